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
