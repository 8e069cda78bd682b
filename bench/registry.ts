import { directoryBench } from './directory.ts';
import { httpBench } from './http.ts';
import { importBench } from './import.ts';

export interface Benchmark {
  description: string;
  run(): Promise<Record<string, unknown>>;
}

export const benchmarks: Record<string, Benchmark> = {
  directory: directoryBench,
  http: httpBench,
  import: importBench,
};
