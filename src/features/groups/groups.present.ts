/** Group posts as pages show them: Markdown rendered safely (shared/markdown.ts), mentions linked. */
import { renderMarkdown } from '../../shared/markdown.ts';
import type { VisiblePost } from './groups.repository.ts';
import { linkMentions, type Mentionable } from './mentions.ts';

export interface PostView {
  id: string;
  threadId: string | null;
  title: string | null;
  /** Null when the author's account no longer exists. */
  authorName: string | null;
  createdAt: Date;
  /** Sanitised HTML (renderMarkdown), with the stored mentions linked. */
  html: string;
  own: boolean;
}

export function presentPost(post: VisiblePost, mentions: ReadonlyMap<string, Mentionable[]>, viewerId: string): PostView {
  return {
    id: post.id,
    threadId: post.threadId,
    title: post.title,
    authorName: post.authorName,
    createdAt: post.createdAt,
    html: linkMentions(renderMarkdown(post.body), mentions.get(post.id) ?? []),
    own: post.authorId === viewerId,
  };
}
