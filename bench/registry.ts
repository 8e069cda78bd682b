import { httpBench } from './http.ts';

export interface Benchmark {
  description: string;
  run(): Promise<Record<string, unknown>>;
}

export const benchmarks: Record<string, Benchmark> = {
  http: httpBench,
};
