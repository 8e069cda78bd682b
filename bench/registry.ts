import { directoryBench } from './directory.ts';
import { httpBench } from './http.ts';
import { importBench } from './import.ts';
import { newsletterBench } from './newsletter.ts';

export interface Benchmark {
  description: string;
  run(): Promise<Record<string, unknown>>;
}

export const benchmarks: Record<string, Benchmark> = {
  directory: directoryBench,
  http: httpBench,
  import: importBench,
  newsletter: newsletterBench,
};
