#!/usr/bin/env node
// Launcher for the yijianshi CLI (cli/yijianshi.ts): registers tsx so Node runs the TypeScript sources as
// they are, then hands over. package.json: "bin": { "yijianshi": "bin/yijianshi.mjs" }, so `npx yijianshi …`.
import { register } from 'tsx/esm/api';

register();
const { runAsProcess } = await import(new URL('../cli/yijianshi.ts', import.meta.url).href);
await runAsProcess();
