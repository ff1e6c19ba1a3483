import { mkdirSync, rmSync } from 'node:fs';
import { CAPTURE_DIR } from './capture.ts';

/** A fresh capture directory per run: the hardening leak scan reads what this run produced. */
export default function setup(): void {
  rmSync(CAPTURE_DIR, { recursive: true, force: true });
  mkdirSync(CAPTURE_DIR, { recursive: true });
}
