import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSequencers } from '../../src/demo/sequencer.js';
import { SCENARIOS } from '../../src/demo/scenarios.js';

test('sequencers compare as S3 says: right-pad the shorter with zeros, then compare as strings', () => {
  assert.equal(compareSequencers('0055AB', '0055AB01'), -1);
  assert.equal(compareSequencers('0055AB01', '0055AB'), 1);
  // A shorter sequencer can be the later one: 0062..E6(00) > 0062..E5F0.
  assert.equal(compareSequencers('0062F3A1B2C3D4E6', '0062F3A1B2C3D4E5F0'), 1);
  // Padding makes these the same position: the same event.
  assert.equal(compareSequencers('AB', 'AB00'), 0);
  assert.equal(compareSequencers('0062F3A1B2C3D4E5F0', '0062F3A1B2C3D4E5F0'), 0);
});

test('each scenario names as newest an upload whose sequencer is the greatest for its key', () => {
  for (const scenario of Object.values(SCENARIOS)) {
    const main = scenario.deliveries.map((d) => d.upload).filter((u) => u.key === 'main');
    for (const upload of main) assert.ok(compareSequencers(scenario.newest.sequencer, upload.sequencer) >= 0, `${scenario.demo}: ${upload.label}`);
    // The newest does not arrive last: that is what each demo is about.
    assert.notEqual(main.at(-1), scenario.newest, scenario.demo);
  }
});
