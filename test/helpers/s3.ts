/**
 * A throw-away S3-compatible server for a test file: moto's S3 server (a real HTTP endpoint that speaks
 * the S3 REST protocol and keeps objects in memory, spilling big ones to a temporary folder), started on
 * a free port of 127.0.0.1 and stopped by `stop()` (and, should the test process end without it, on
 * exit). The server comes from `runtime/tools.ts` (`YJS_S3_TEST_SERVER_PATH`, else `moto_server` on the
 * PATH, else `.tools/bin`, else pip-installed there on first use: about 10 s).
 *
 * Any credentials sign for it; tests pass fixed ones ({@link S3_TEST_CREDENTIALS}) and this module turns
 * the SDK's instance-metadata lookup off, so a test never reaches past the loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3BlobBytesOptions } from '../../adapters/s3-blobs';
import { resolveTool, S3_TEST_SERVER } from '../../runtime/tools';

export const S3_TEST_CREDENTIALS = { accessKeyId: 'yjs-test', secretAccessKey: 'yjs-test-secret' };

export interface S3Server {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** The server's executable, and where it was found (`path`, `tools`, `installed`, `env`). */
  binary: string;
  source: string;
  /** Milliseconds from the call to a server that answers (an install included). */
  startedInMs: number;
  /** Makes a bucket (a fresh name per test keeps tests apart). */
  createBucket(name: string): Promise<void>;
  /** Options of an {@link S3BlobBytes} on `bucket` of this server, with the test credentials. */
  options(bucket: string, prefix?: string): S3BlobBytesOptions;
  /** A client of this server, for what the store does not do (damaging, deleting objects). */
  client: S3Client;
  stop(): Promise<void>;
}

export async function startS3Server(): Promise<S3Server> {
  const started = performance.now();
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  // The SDK's notice that its 2027 releases need Node 22 (package.json pins one that runs on 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const tool = await resolveTool(S3_TEST_SERVER, { log: (line) => process.stderr.write(`[s3-test-server] ${line}\n`) });
  if (!tool.found) throw new Error(`no S3 test server: ${tool.reasons.join('; ')}`);
  const dir = await mkdtemp(join(tmpdir(), 'yjs-s3-'));

  let child: ChildProcess | undefined;
  let output = '';
  const killNow = () => {
    // Its own process group: the server and anything it started, none of this process's.
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killNow);

  try {
    let endpoint = '';
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      endpoint = `http://127.0.0.1:${port}`;
      output = '';
      child = spawn(tool.path, ['-H', '127.0.0.1', '-p', String(port)], {
        env: { ...process.env, TMPDIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const collect = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-4000);
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      if (await answers(endpoint, child, 30_000)) break;
      killNow();
      // Another process may have taken the port between the look and the start: another port.
      if (attempt >= 3) throw new Error(`${tool.path} did not answer at ${endpoint}:\n${output}`);
    }
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_TEST_CREDENTIALS });
    const server = child!;
    return {
      endpoint,
      binary: tool.path,
      source: tool.source,
      startedInMs: Math.round(performance.now() - started),
      client,
      async createBucket(name) {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      },
      options: (bucket, prefix) => ({ bucket, prefix, endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_TEST_CREDENTIALS }),
      async stop() {
        client.destroy();
        process.off('exit', killNow);
        if (server.exitCode === null && server.pid !== undefined) {
          const exited = new Promise((resolve) => server.once('exit', resolve));
          process.kill(-server.pid, 'SIGTERM');
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
          if (server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    process.off('exit', killNow);
    killNow();
    throw err;
  }
}

/** Whether the server at `endpoint` answers before `timeoutMs` (false at once if it exits). */
async function answers(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
