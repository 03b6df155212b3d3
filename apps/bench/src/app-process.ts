/** The bench's app processes are the shared ones (libs/process-kit), also used by the fault runner and the e2e tests. */
export { AppProcess, readCpuSeconds, readMemoryKb } from '@tthc/process-kit';
