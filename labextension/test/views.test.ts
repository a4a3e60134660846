// @vitest-environment jsdom
/**
 * The two views over their models, in jsdom: what is shown and what a click does.
 * (The real browser checks are tests/browser/test_labextension.py.)
 */
import { Widget } from '@lumino/widgets';
import { describe, expect, it } from 'vitest';

import { IFinishReply, IMlkitApi, IQuestion, ITopic, QuizModel, StudyModel } from '../src/model';
import { QuizPanel } from '../src/quizpanel';
import { StudyMapPanel } from '../src/sidebar';

function topic(id: string, number: number, over: Partial<ITopic> = {}): ITopic {
  const nb = `${String(number).padStart(2, '0')}_${id}`;
  return {
    number, id, title: `Title ${id}`, notebook: `${nb}.ipynb`, notebook_id: nb,
    path: `notebooks/${nb}.ipynb`, features: ['f1', 'f2'], widget: '', available: true,
    state: 'not started', quiz: null, questions: 3, ...over
  };
}

const QUESTION: IQuestion = {
  id: 'q1', topic: 'variants', type: 'single', choose: 1, scenario: 'Which one?',
  options: [{ key: 'A', text: 'first' }, { key: 'B', text: 'second' }], notes_section: 's'
};

function api(topics: ITopic[], warnings: string[] = []): IMlkitApi {
  return {
    studyMap: async () => ({ topics, progress_file: 'p.json', warnings }),
    open: async id => ({ topic: id, path: `notebooks/${id}.ipynb`, copied: [], state: 'opened', warnings: [] }),
    quiz: async id => ({ topic: id, title: 'Variants', questions: [QUESTION], warnings: [] }),
    answer: async (_t, qid, chosen) => ({
      question_id: qid, correct: chosen[0] === 'B', chosen, answer: ['B'], warnings: [],
      options: QUESTION.options.map(o => ({ ...o, correct: o.key === 'B', chosen: chosen.includes(o.key), why: `because ${o.key}` }))
    }),
    finish: async (t, answers): Promise<IFinishReply> => ({
      topic: t, correct: answers.q1?.[0] === 'B' ? 1 : 0, answered: Object.keys(answers).length, total: 1,
      recorded: true, quiz: { best: [1, 1], last: [1, 1], attempts: 1 }, warnings: []
    })
  };
}

async function sidebar(topics: ITopic[], warnings: string[] = []) {
  const model = new StudyModel(api(topics, warnings));
  const calls: string[] = [];
  const panel = new StudyMapPanel(model, { open: id => calls.push(`open ${id}`), quiz: id => calls.push(`quiz ${id}`) });
  Widget.attach(panel, document.body);
  await model.refresh();
  return { model, panel, calls };
}

describe('StudyMapPanel', () => {
  it('shows one item per topic with its state, notebook and features', async () => {
    const { panel } = await sidebar([topic('start', 0, { state: 'completed' }), topic('variants', 6)]);
    const items = panel.node.querySelectorAll('.mlkit-topic');
    expect(items).toHaveLength(2);
    expect(items[0].querySelector('.mlkit-topic-state')!.textContent).toBe('run to the end');
    expect(items[1].textContent).toContain('06_variants.ipynb');
    expect(items[1].querySelector('.mlkit-topic-features')!.textContent).toBe('f1 · f2');
    panel.dispose();
  });

  it('a topic whose notebook is coming cannot be opened; one without questions has no quiz', async () => {
    const { panel } = await sidebar([topic('prep', 1, { available: false, questions: 0 })]);
    const item = panel.node.querySelector('.mlkit-topic')!;
    expect(item.querySelector<HTMLButtonElement>('button.mlkit-open')!.disabled).toBe(true);
    expect(item.querySelector<HTMLButtonElement>('button.mlkit-quiz')!.disabled).toBe(true);
    expect(item.querySelector('.mlkit-topic-state')!.textContent).toBe('coming');
    panel.dispose();
  });

  it('the buttons call the actions with the topic id, next lesson included', async () => {
    const { panel, calls } = await sidebar([topic('start', 0, { state: 'completed' }), topic('variants', 6)]);
    panel.node.querySelector<HTMLButtonElement>('[data-topic="variants"] button.mlkit-quiz')!.click();
    panel.node.querySelector<HTMLButtonElement>('button.mlkit-next')!.click();
    expect(calls).toEqual(['quiz variants', 'open variants']);
    panel.dispose();
  });

  it('shows the best quiz score', async () => {
    const { panel } = await sidebar([topic('variants', 6, { quiz: { best: [4, 5], last: [2, 5], attempts: 3 } })]);
    expect(panel.node.querySelector('.mlkit-topic-score')!.textContent).toBe('quiz best 4/5');
    panel.dispose();
  });

  it('a damaged progress file is shown as an alert until dismissed', async () => {
    const { panel } = await sidebar([topic('start', 0)], ['progress file x was damaged: not valid JSON']);
    const banner = panel.node.querySelector('.mlkit-warning')!;
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('not valid JSON');
    banner.querySelector<HTMLButtonElement>('button.mlkit-dismiss')!.click();
    expect(panel.node.querySelector('.mlkit-warning')).toBeNull();
    panel.dispose();
  });

  it('every action is a native button, so Tab reaches it', async () => {
    const { panel } = await sidebar([topic('start', 0), topic('variants', 6)]);
    const buttons = [...panel.node.querySelectorAll('.mlkit-button')];
    expect(buttons.length).toBe(2 + 2 * 2);
    expect(buttons.every(b => b.tagName === 'BUTTON')).toBe(true);
    panel.dispose();
  });
});

describe('QuizPanel', () => {
  async function quizPanel() {
    const model = new QuizModel(api([]), 'variants');
    const panel = new QuizPanel(model);
    Widget.attach(panel, document.body);
    await model.load();
    return { model, panel };
  }

  it('asks the question with radio buttons and keeps Check answer off until one is picked', async () => {
    const { panel } = await quizPanel();
    const inputs = panel.node.querySelectorAll<HTMLInputElement>('.mlkit-option input');
    expect([...inputs].map(i => i.type)).toEqual(['radio', 'radio']);
    const check = () => panel.node.querySelector<HTMLButtonElement>('button.mlkit-check')!;
    expect(check().disabled).toBe(true);
    inputs[1].click();
    expect(check().disabled).toBe(false);
    panel.dispose();
  });

  it('after an answer every option shows why it is right or wrong', async () => {
    const { model, panel } = await quizPanel();
    model.toggle('A');
    await model.submit();
    const whys = [...panel.node.querySelectorAll('.mlkit-option-why')].map(n => n.textContent);
    expect(whys).toEqual(['Wrong: because A', 'Right: because B']);
    const chosen = [...panel.node.querySelectorAll('.mlkit-option.mlkit-chosen')].map(n => n.getAttribute('data-key'));
    expect(chosen).toEqual(['A']); // the learner's own answer is marked, not only the radio
    expect(panel.node.querySelector('.mlkit-QuizPanel-verdict')!.textContent).toBe('Wrong: the answer is B.');
    expect(panel.node.querySelector('button.mlkit-next-question')!.textContent).toBe('Finish and record the score');
    panel.dispose();
  });

  it('the end shows the score and that it was recorded', async () => {
    const { model, panel } = await quizPanel();
    model.toggle('B');
    await model.submit();
    await model.next();
    expect(panel.node.querySelector('.mlkit-QuizPanel-score')!.textContent).toBe('Score: 1/1 correct (1 of 1 answered).');
    expect(panel.node.querySelector('.mlkit-QuizPanel-recorded')!.textContent).toContain('best 1/1');
    panel.dispose();
  });
});

describe('QuizPanel: ordering, matching and case studies', () => {
  const ORDER: IQuestion = {
    id: 'q-order', topic: 'variants', type: 'ordering', choose: 3, scenario: 'Order them',
    options: [{ key: 'A', text: 'a' }, { key: 'B', text: 'b' }, { key: 'C', text: 'c' }], notes_section: 's',
    case: { id: 'c1', title: 'The claims pipeline', scenario: 'shared story', part: 1, parts: 2 }
  };
  const MATCH: IQuestion = {
    id: 'q-match', topic: 'variants', type: 'matching', choose: 3, scenario: 'Match them',
    options: [{ key: 'A', text: 'x' }, { key: 'B', text: 'y' }], notes_section: 's',
    prompts: [{ key: '1', text: 'one' }, { key: '2', text: 'two' }, { key: '3', text: 'three' }]
  };
  function twoTypes(): IMlkitApi {
    return {
      ...api([]),
      quiz: async id => ({ topic: id, title: 'T', questions: [ORDER, MATCH], warnings: [] }),
      answer: async (_t, qid, chosen) => qid === 'q-order'
        ? { question_id: qid, correct: false, chosen, answer: ['B', 'C', 'A'], warnings: [], options: [],
            marks: { A: true, B: false, C: false },
            steps: [
              { key: 'B', text: 'b', place: 1, chosen_place: 2, in_place: false, why: 'first' },
              { key: 'C', text: 'c', place: 2, chosen_place: 1, in_place: false, why: 'second' },
              { key: 'A', text: 'a', place: 3, chosen_place: 3, in_place: true, why: 'last' }
            ] }
        : { question_id: qid, correct: false, chosen, answer: { 1: 'A', 2: 'B', 3: 'A' }, warnings: [], options: [],
            prompts: [
              { key: '1', text: 'one', match: 'A', chosen: 'A', correct: true, why: 'w1' },
              { key: '2', text: 'two', match: 'B', chosen: 'B', correct: true, why: 'w2' },
              { key: '3', text: 'three', match: 'A', chosen: 'B', correct: false, why: 'w3' }
            ] }
    };
  }

  it('an ordering item shows the case, a select per place, and after grading which steps were in place', async () => {
    const model = new QuizModel(twoTypes(), 'variants');
    const panel = new QuizPanel(model);
    Widget.attach(panel, document.body);
    await model.load();
    expect(panel.node.querySelector('.mlkit-QuizPanel-case-title')!.textContent)
      .toBe('Case study: The claims pipeline (question 1 of 2)');
    const selects = () => [...panel.node.querySelectorAll<HTMLSelectElement>('.mlkit-place select')];
    expect(selects()).toHaveLength(3);
    const check = () => panel.node.querySelector<HTMLButtonElement>('button.mlkit-check')!;
    ['C', 'B', 'A'].forEach((k, i) => {
      const s = selects()[i];
      s.value = k;
      s.dispatchEvent(new Event('change'));
    });
    expect(model.placed).toEqual(['C', 'B', 'A']);
    expect(check().disabled).toBe(false);
    await model.submit();
    expect(panel.node.querySelector('.mlkit-QuizPanel-verdict')!.textContent).toBe('Wrong: the right order is B → C → A.');
    const rows = [...panel.node.querySelectorAll('.mlkit-pick-feedback p')].map(n => n.textContent);
    expect(rows[0]).toBe('1. B (you put it 2.): b — first');
    expect(rows[2]).toBe('3. A (in place): a — last');
    expect(selects().every(s => s.disabled)).toBe(true);
    panel.dispose();
  });

  it('a matching item shows prompts, responses and a select per prompt; the verdict counts wrong pairs', async () => {
    const model = new QuizModel(twoTypes(), 'variants');
    const panel = new QuizPanel(model);
    Widget.attach(panel, document.body);
    await model.load();
    ['A', 'B', 'C'].forEach((k, i) => model.place(i, k));
    await model.submit();
    await model.next();
    const selects = [...panel.node.querySelectorAll<HTMLSelectElement>('.mlkit-pair select')];
    expect(selects).toHaveLength(3);
    expect([...selects[0].options].map(o => o.value)).toEqual(['', 'A', 'B']);
    ['A', 'B', 'B'].forEach((k, i) => {
      const s = [...panel.node.querySelectorAll<HTMLSelectElement>('.mlkit-pair select')][i];
      s.value = k;
      s.dispatchEvent(new Event('change'));
    });
    expect(model.paired).toEqual({ 1: 'A', 2: 'B', 3: 'B' });
    await model.submit();
    expect(panel.node.querySelector('.mlkit-QuizPanel-verdict')!.textContent)
      .toBe('Wrong: 1 of 3 pairs are wrong; every pair must be right.');
    panel.dispose();
  });
});
