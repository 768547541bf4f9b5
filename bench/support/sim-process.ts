/**
 * The simulator in its own process: the benchmark's figures (CPU, peak memory) are then the sync's, not the
 * fake Odoo's, as with a real Odoo on another machine. Started by sim.ts with the options as JSON in argv[2];
 * answers `{url, db}` over IPC once it listens, and exits on 'stop'. Control goes over HTTP (`/__sim/<action>`).
 */
import { startSimulator, type SimulatorOptions } from '../../src/sim/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
const started = Date.now();
const sim = await startSimulator({ ...options, port: 0, host: '127.0.0.1' });
process.send!({ url: sim.url, db: sim.db, login: sim.admin.login, password: sim.admin.password, apiKey: sim.admin.apiKey, version: sim.version, readyMs: Date.now() - started });
process.on('message', (message) => {
  if (message === 'stop') void sim.close().then(() => process.exit(0));
});
process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
