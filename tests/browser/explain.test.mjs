// "Show where" in a real browser: a sample record's positive class gets the CLI's words
// (`ecglite classify --explain --json`), its button (keyboard, aria-pressed) shades the ECG paper
// under the traces and takes the shading away again, and the page says what the shading is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cliJson, NO_CLI } from '../js/support.mjs';
import { MODEL, SAMPLES, SKIP, browserForTestFile, screenshotPath, settled } from './support.mjs';

const env = browserForTestFile();

// Pixels of the paper's canvas that are clearly blue (the shading; the paper is pink, the grid red,
// the traces black): a count, so that the test sees the shading drawn and taken away.
const bluePixels = (page) => page.evaluate(() => {
  const canvas = document.querySelector('#scroller canvas');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 2] > data[i] + 25 && data[i + 2] > data[i + 1] + 10) n++;
  return n;
});
const frames = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

test('a positive class shows where on the ECG, in the CLI\'s words and as shading toggled by keyboard', { skip: SKIP || NO_CLI }, async (t) => {
  const file = path.join(SAMPLES, 'HR06001.hea');
  const [expected] = cliJson('classify', file, '--model', MODEL, '--explain', '--json').records;
  const positive = expected.explanation.classes.filter((c) => expected.labels.includes(c.name));
  assert.ok(positive.length >= 1, 'the sample has a positive class');
  const page = await env.newPage();
  await settled(page, () => page.click('button[data-sample="cinc-HR06001"]'));

  // The words of every positive class, once the worker has worked them out; none for the others.
  await page.waitForFunction(() => !!document.querySelector('#explain-note .explain-cost')?.textContent);
  for (const cls of expected.explanation.classes) {
    const words = await page.textContent(`#result-body [data-explain-class="${cls.name}"] .explain-words`);
    assert.equal(words, expected.labels.includes(cls.name) ? `Where: ${cls.summary}` : '', cls.name);
  }
  const note = await page.textContent('#explain-note');
  assert.match(note, /flat line/);
  assert.match(note, /not a diagnosis, and not the criteria a clinician/);
  const ms = Number(/in (\d+) ms/.exec(note)[1]);
  t.diagnostic(`explanation of ${path.basename(file)} in Chromium: ${ms} ms, ${expected.explanation.inferences} network runs`);
  assert.ok(ms < 3000, `${ms} ms`);

  const name = positive[0].name;
  const button = `#result-body [data-explain-class="${name}"] button`;
  const before = await bluePixels(page);
  assert.equal(await page.getAttribute(button, 'aria-pressed'), 'false');
  assert.equal(await page.isVisible('#explain-legend'), false);
  await page.focus(button);
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute(button, 'aria-pressed'), 'true');
  await frames(page);
  const shaded = await bluePixels(page);
  assert.ok(shaded > before + 2000, `blue pixels: ${before} before, ${shaded} shaded`);
  assert.equal(await page.getAttribute('#scroller canvas', 'data-explanation'), name);
  assert.match(await page.textContent('#explain-legend'), new RegExp(`${positive[0].summary.replace(/[.]/g, '\\.')}\\)\\. Not a diagnosis`));
  await page.screenshot({ path: screenshotPath('explain-shading.png'), fullPage: true });

  // The one-lead-per-row layout is shaded too.
  await page.selectOption('#layout', 'rows');
  await frames(page);
  assert.ok(await bluePixels(page) > before + 2000, 'rows layout shaded');
  await page.selectOption('#layout', 'standard');

  // A negative class: pressing its button shows its words too and moves the shading to it.
  const negative = expected.explanation.classes.find((c) => !expected.labels.includes(c.name));
  await page.focus(`#result-body [data-explain-class="${negative.name}"] button`);
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute(button, 'aria-pressed'), 'false');
  assert.equal(await page.textContent(`#result-body [data-explain-class="${negative.name}"] .explain-words`), `Where: ${negative.summary}`);
  await page.keyboard.press('Space');  // and off
  await frames(page);
  assert.equal(await page.getAttribute('#scroller canvas', 'data-explanation'), '');
  assert.equal(await page.isVisible('#explain-legend'), false);
  assert.ok(await bluePixels(page) < before + 200, 'the shading is gone');
  await page.close();
});
