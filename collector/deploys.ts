/**
 * Deploy markers (`POST /v1/deploys`, `GET /v1/deploys`), kept durable like spans: an append-only
 * JSON-lines file, fsync-ed before the POST is answered. A torn last line left by a crash is cut
 * off when the file is opened.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import type { DeployMarker } from '../protocol/collector';
import { BadRequestError } from './errors';

const text = (field: string) => z.string({ error: `${field} must be a string` }).min(1, `${field} must not be empty`).max(256, `${field} is longer than 256 characters`);

/** The body of `POST /v1/deploys`. */
export const deployInputSchema = z
  .object({
    service: text('service'),
    environment: text('environment'),
    version: text('version'),
    commit: text('commit').optional(),
    time: z.iso.datetime({ offset: true, error: 'time must be an ISO 8601 date-time such as 2025-01-31T12:00:00Z' }).optional(),
  })
  .strict();

export class DeployStore {
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    private readonly markers: DeployMarker[],
  ) {}

  static async open(file: string, log?: (message: string) => void): Promise<DeployStore> {
    const content = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const markers: DeployMarker[] = [];
    let intact = 0;
    for (const line of content.split('\n')) {
      const end = intact + Buffer.byteLength(line) + 1;
      // Only newline-terminated lines were acknowledged; anything after the last one is torn.
      if (end > Buffer.byteLength(content)) break;
      const parsed = deployInputSchema.safeParse(safeJson(line));
      if (!parsed.success) break;
      markers.push(withTime(parsed.data));
      intact = end;
    }
    if (intact < Buffer.byteLength(content)) {
      log?.(`deploys: cut ${Buffer.byteLength(content) - intact} torn bytes off the end of ${file}`);
      await fs.truncate(file, intact);
    }
    return new DeployStore(await fs.open(file, 'a'), markers);
  }

  /** Validates `body` (parsed JSON) and stores it durably; returns the stored marker. */
  add(body: unknown): Promise<DeployMarker> {
    const parsed = deployInputSchema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
      return Promise.reject(new BadRequestError(`invalid deploy marker: ${issues.join('; ')}`));
    }
    const marker = withTime(parsed.data);
    const write = this.writes.then(async () => {
      await this.handle.write(JSON.stringify(marker) + '\n', null, 'utf8');
      await this.handle.datasync();
      this.markers.push(marker);
      return marker;
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  list(filter: { service?: string; environment?: string } = {}): DeployMarker[] {
    return this.markers.filter(
      (m) => (!filter.service || m.service === filter.service) && (!filter.environment || m.environment === filter.environment),
    );
  }

  async close(): Promise<void> {
    await this.writes;
    await this.handle.close();
  }
}

function withTime(input: z.infer<typeof deployInputSchema>): DeployMarker {
  return { ...input, time: input.time ?? new Date().toISOString() };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
