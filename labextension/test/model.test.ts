/**
 * The panel logic (src/model.ts) driven through a fake server extension:
 * next lesson, scores, warnings, and a quiz sitting from load to recorded score.
 */
import { describe, expect, it } from 'vitest';

import {
  formatScore,
  IFinishReply,
  IGrade,
  IMlkitApi,
  IQuestion,
  ITopic,
  nextTopic,
  progressSummary,
  QuizModel,
  stateLabel,
  StudyModel,
  topicForPath
} from '../src/model';

function topic(id: string, number: number, over: Partial<ITopic> = {}): ITopic {
  return {
    number,
    id,
    title: `Title ${id}`,
    notebook: `${String(number).padStart(2, '0')}_${id}.ipynb`,
    notebook_id: `${String(number).padStart(2, '0')}_${id}`,
    path: `notebooks/${String(number).padStart(2, '0')}_${id}.ipynb`,
    features: ['a', 'b'],
    widget: '',
    available: true,
    state: 'not started',
    quiz: null,
    questions: 2,
    ...over
  };
}

const QUESTIONS: IQuestion[] = [
  {
    id: 'q-single',
    topic: 'variants',
    type: 'single',
    choose: 1,
    scenario: 'Pick one',
    options: [
      { key: 'A', text: 'a' },
      { key: 'B', text: 'b' },
      { key: 'C', text: 'c' }
    ],
    notes_section: 's'
  },
  {
    id: 'q-multi',
    topic: 'variants',
    type: 'multiple',
    choose: 2,
    scenario: 'Pick two',
    options: [
      { key: 'A', text: 'a' },
      { key: 'B', text: 'b' },
      { key: 'C', text: 'c' }
    ],
    notes_section: 's'
  }
];
const ANSWERS: Record<string, string[]> = { 'q-single': ['B'], 'q-multi': ['A', 'C'] };

/** A fake server extension with the real one's grading rule (all or nothing). */
class FakeApi implements IMlkitApi {
  topics: ITopic[] = [topic('start', 0), topic('variants', 6)];
  warnings: string[] = [];
  calls: { route: string; args: unknown[] }[] = [];
  failNext: string | null = null;

  private check(route: string, args: unknown[]) {
    this.calls.push({ route, args });
    if (this.failNext) {
      const message = this.failNext;
      this.failNext = null;
      throw new Error(message);
    }
  }
  async studyMap() {
    this.check('studyMap', []);
    return { topics: structuredClone(this.topics), progress_file: '/tmp/progress.json', warnings: this.warnings };
  }
  async open(id: string) {
    this.check('open', [id]);
    const t = this.topics.find(x => x.id === id)!;
    if (t.state === 'not started') {
      t.state = 'opened';
    }
    return { topic: id, path: t.path, copied: [], state: t.state, warnings: [] };
  }
  async quiz(id: string) {
    this.check('quiz', [id]);
    return { topic: id, title: 'Variants', questions: QUESTIONS, warnings: [] };
  }
  async answer(id: string, qid: string, chosen: string[]): Promise<IGrade> {
    this.check('answer', [id, qid, chosen]);
    const answer = ANSWERS[qid];
    const q = QUESTIONS.find(x => x.id === qid)!;
    return {
      question_id: qid,
      correct: JSON.stringify([...chosen].sort()) === JSON.stringify(answer),
      chosen,
      answer,
      options: q.options.map(o => ({ ...o, correct: answer.includes(o.key), chosen: chosen.includes(o.key), why: `why ${o.key}` })),
      warnings: []
    };
  }
  async finish(id: string, answers: Record<string, string[]>): Promise<IFinishReply> {
    this.check('finish', [id, answers]);
    const ids = Object.keys(answers);
    const correct = ids.filter(k => JSON.stringify([...answers[k]].sort()) === JSON.stringify(ANSWERS[k])).length;
    return {
      topic: id,
      correct,
      answered: ids.length,
      total: QUESTIONS.length,
      recorded: ids.length > 0,
      quiz: ids.length ? { best: [correct, QUESTIONS.length], last: [correct, QUESTIONS.length], attempts: 1 } : null,
      warnings: []
    };
  }
}

describe('pure helpers', () => {
  it('formats the best score as correct/total and nothing when never finished', () => {
    expect(formatScore({ best: [3, 4], last: [1, 4], attempts: 2 })).toBe('3/4');
    expect(formatScore(null)).toBe('');
  });

  it('says "run to the end" for a completed notebook', () => {
    expect(stateLabel('completed')).toBe('run to the end');
    expect(stateLabel('opened')).toBe('opened');
  });

  it('next lesson is the first available topic not completed, in study order', () => {
    const topics = [
      topic('start', 0, { state: 'completed' }),
      topic('prep', 1, { available: false }),
      topic('visuals', 2, { state: 'opened' }),
      topic('modes', 3)
    ];
    expect(nextTopic(topics)?.id).toBe('visuals');
  });

  it('next lesson is null when every available topic is completed', () => {
    expect(nextTopic([topic('start', 0, { state: 'completed' }), topic('x', 1, { available: false })])).toBeNull();
  });

  it('finds the topic of a notebook path by file name, in any folder', () => {
    const topics = [topic('start', 0), topic('variants', 6)];
    expect(topicForPath(topics, 'notebooks/06_variants.ipynb')?.id).toBe('variants');
    expect(topicForPath(topics, 'elsewhere/deep/00_start.ipynb')?.id).toBe('start');
    expect(topicForPath(topics, 'notebooks/untitled.ipynb')).toBeNull();
    expect(topicForPath(topics, undefined)).toBeNull();
  });

  it('counts completed lessons among the available ones', () => {
    const topics = [topic('a', 0, { state: 'completed' }), topic('b', 1), topic('c', 2, { available: false, state: 'completed' })];
    expect(progressSummary(topics)).toEqual({ completed: 1, available: 2 });
  });
});

describe('StudyModel', () => {
  it('refresh loads the topics and emits changed', async () => {
    const model = new StudyModel(new FakeApi());
    let emitted = 0;
    model.changed.connect(() => (emitted += 1));
    await model.refresh();
    expect(model.topics.map(t => t.id)).toEqual(['start', 'variants']);
    expect(model.loaded).toBe(true);
    expect(emitted).toBe(1);
  });

  it('keeps a damaged-file warning until dismissed, once each', async () => {
    const api = new FakeApi();
    api.warnings = ['progress file was damaged'];
    const model = new StudyModel(api);
    await model.refresh();
    await model.refresh();
    expect(model.warnings).toEqual(['progress file was damaged']);
    api.warnings = [];
    await model.refresh();
    expect(model.warnings).toEqual(['progress file was damaged']); // still shown: the server says it once
    model.dismissWarnings();
    expect(model.warnings).toEqual([]);
  });

  it('a failed refresh keeps the message and the last topics, and does not throw', async () => {
    const api = new FakeApi();
    const model = new StudyModel(api);
    await model.refresh();
    api.failNext = 'the lab server did not answer';
    await model.refresh();
    expect(model.error).toBe('the lab server did not answer');
    expect(model.topics).toHaveLength(2);
    await model.refresh();
    expect(model.error).toBeNull();
  });

  it('open returns the path and marks the topic opened at once', async () => {
    const model = new StudyModel(new FakeApi());
    await model.refresh();
    const path = await model.open('variants');
    expect(path).toBe('notebooks/06_variants.ipynb');
    expect(model.topic('variants')?.state).toBe('opened');
  });

  it('a finished quiz updates the topic score at once and emits changed', async () => {
    const model = new StudyModel(new FakeApi());
    await model.refresh();
    let emitted = 0;
    model.changed.connect(() => (emitted += 1));
    model.recordQuiz({ topic: 'variants', correct: 1, answered: 2, total: 2, recorded: true,
      quiz: { best: [1, 2], last: [1, 2], attempts: 1 }, warnings: [] });
    expect(formatScore(model.topic('variants')!.quiz)).toBe('1/2');
    expect(emitted).toBe(1);
  });
});

describe('QuizModel', () => {
  async function loaded() {
    const api = new FakeApi();
    const quiz = new QuizModel(api, 'variants');
    await quiz.load();
    return { api, quiz };
  }

  it('load asks the first question', async () => {
    const { quiz } = await loaded();
    expect(quiz.phase).toBe('asking');
    expect(quiz.current?.id).toBe('q-single');
    expect(quiz.title).toBe('Variants');
  });

  it('a single-choice question keeps only the last option picked', async () => {
    const { quiz } = await loaded();
    quiz.toggle('A');
    quiz.toggle('B');
    expect([...quiz.selected]).toEqual(['B']);
    expect(quiz.canSubmit).toBe(true);
  });

  it('a multiple-choice question takes up to choose options and needs exactly that many', async () => {
    const { quiz } = await loaded();
    quiz.toggle('B');
    await quiz.submit();
    await quiz.next();
    quiz.toggle('A');
    expect(quiz.canSubmit).toBe(false); // 1 of 2
    quiz.toggle('B');
    quiz.toggle('C'); // a third pick is refused
    expect([...quiz.selected].sort()).toEqual(['A', 'B']);
    quiz.toggle('B'); // unpick
    quiz.toggle('C');
    expect([...quiz.selected].sort()).toEqual(['A', 'C']);
    expect(quiz.canSubmit).toBe(true);
  });

  it('an unknown option key is ignored', async () => {
    const { quiz } = await loaded();
    quiz.toggle('Z');
    expect(quiz.selected.size).toBe(0);
    expect(quiz.canSubmit).toBe(false);
  });

  it('submit sends the sorted keys and shows every option with its why', async () => {
    const { api, quiz } = await loaded();
    quiz.toggle('A');
    await quiz.submit();
    expect(api.calls.at(-1)).toEqual({ route: 'answer', args: ['variants', 'q-single', ['A']] });
    expect(quiz.phase).toBe('graded');
    expect(quiz.lastGrade?.correct).toBe(false);
    expect(quiz.lastGrade?.options.map(o => o.why)).toEqual(['why A', 'why B', 'why C']);
  });

  it('options cannot be changed once graded', async () => {
    const { quiz } = await loaded();
    quiz.toggle('A');
    await quiz.submit();
    quiz.toggle('B');
    expect(quiz.lastGrade?.chosen).toEqual(['A']);
    expect([...quiz.selected]).toEqual(['A']);
  });

  it('a failed submit keeps the question and the choice, with the message', async () => {
    const { api, quiz } = await loaded();
    quiz.toggle('B');
    api.failNext = 'chosen option is not one of A, B, C';
    await quiz.submit();
    expect(quiz.phase).toBe('asking');
    expect(quiz.error).toBe('chosen option is not one of A, B, C');
    expect([...quiz.selected]).toEqual(['B']);
    expect(quiz.grades).toHaveLength(0);
  });

  it('after the last question next() finishes: answers sent, score recorded, finished emitted once', async () => {
    const { api, quiz } = await loaded();
    const finished: IFinishReply[] = [];
    quiz.finished.connect((_, reply) => finished.push(reply));
    quiz.toggle('B');
    await quiz.submit();
    await quiz.next();
    quiz.toggle('A');
    quiz.toggle('B');
    await quiz.submit();
    await quiz.next();
    expect(api.calls.at(-1)).toEqual({ route: 'finish', args: ['variants', { 'q-single': ['B'], 'q-multi': ['A', 'B'] }] });
    expect(quiz.phase).toBe('finished');
    expect(quiz.result).toMatchObject({ correct: 1, total: 2, recorded: true });
    expect(finished).toHaveLength(1);
    await quiz.finish(); // a second finish does nothing
    expect(finished).toHaveLength(1);
  });

  it('stopping early sends only the answers given', async () => {
    const { api, quiz } = await loaded();
    quiz.toggle('B');
    await quiz.submit();
    await quiz.finish();
    expect(api.calls.at(-1)?.args).toEqual(['variants', { 'q-single': ['B'] }]);
    expect(quiz.result).toMatchObject({ correct: 1, answered: 1, total: 2 });
  });

  it('a quiz that cannot be loaded is in the error phase with the message', async () => {
    const api = new FakeApi();
    api.failNext = "topic 'start' has no questions yet";
    const quiz = new QuizModel(api, 'start');
    await quiz.load();
    expect(quiz.phase).toBe('error');
    expect(quiz.error).toContain('no questions');
    expect(quiz.current).toBeNull();
  });

  it('the score so far counts right answers of the answered questions', async () => {
    const { quiz } = await loaded();
    quiz.toggle('B');
    await quiz.submit();
    expect(quiz.score).toEqual({ correct: 1, answered: 1, total: 2 });
  });
});

describe('QuizModel: ordering and matching items', () => {
  const ORDER: IQuestion = {
    id: 'q-order', topic: 'variants', type: 'ordering', choose: 3, scenario: 'Order them',
    options: [{ key: 'A', text: 'a' }, { key: 'B', text: 'b' }, { key: 'C', text: 'c' }], notes_section: 's',
    case: { id: 'c1', title: 'Case', scenario: 'shared', part: 1, parts: 2 }
  };
  const MATCH: IQuestion = {
    id: 'q-match', topic: 'variants', type: 'matching', choose: 3, scenario: 'Match them',
    options: [{ key: 'A', text: 'x' }, { key: 'B', text: 'y' }], notes_section: 's',
    prompts: [{ key: '1', text: 'one' }, { key: '2', text: 'two' }, { key: '3', text: 'three' }]
  };
  function fake() {
    const calls: unknown[][] = [];
    const api: IMlkitApi = {
      studyMap: async () => ({ topics: [], progress_file: '', warnings: [] }),
      open: async id => ({ topic: id, path: '', copied: [], state: 'opened', warnings: [] }),
      quiz: async id => ({ topic: id, title: 'T', questions: [ORDER, MATCH], warnings: [] }),
      answer: async (_t, qid, chosen) => {
        calls.push(['answer', qid, chosen]);
        return { question_id: qid, correct: false, chosen, answer: chosen, options: [], warnings: [] };
      },
      finish: async (t, answers) => {
        calls.push(['finish', answers]);
        return { topic: t, correct: 0, answered: 2, total: 2, recorded: true, quiz: null, warnings: [] };
      }
    };
    return { api, calls };
  }

  it('an ordering item needs every step placed once before it can be checked, and sends them in order', async () => {
    const { api, calls } = fake();
    const quiz = new QuizModel(api, 'variants');
    await quiz.load();
    expect(quiz.placed).toEqual([null, null, null]);
    quiz.place(0, 'C');
    quiz.place(1, 'A');
    expect(quiz.canSubmit).toBe(false); // a place still empty
    quiz.place(2, 'A');
    expect(quiz.canSubmit).toBe(false); // A twice
    quiz.place(2, 'B');
    quiz.place(5, 'B'); // no sixth place: ignored
    quiz.place(0, 'Z'); // not a step: ignored
    expect(quiz.placed).toEqual(['C', 'A', 'B']);
    expect(quiz.canSubmit).toBe(true);
    await quiz.submit();
    expect(calls.at(-1)).toEqual(['answer', 'q-order', ['C', 'A', 'B']]);
  });

  it('a matching item needs a response for every prompt and sends prompt -> response', async () => {
    const { api, calls } = fake();
    const quiz = new QuizModel(api, 'variants');
    await quiz.load();
    ['A', 'B', 'C'].forEach((k, i) => quiz.place(i, k));
    await quiz.submit();
    await quiz.next();
    expect(quiz.current?.id).toBe('q-match');
    quiz.pair('1', 'B');
    quiz.pair('2', 'B'); // a response may answer several prompts
    expect(quiz.canSubmit).toBe(false);
    quiz.pair('3', 'A');
    quiz.pair('9', 'A'); // not a prompt: ignored
    quiz.pair('3', 'Q'); // not a response: ignored
    expect(quiz.canSubmit).toBe(true);
    await quiz.submit();
    expect(calls.at(-1)).toEqual(['answer', 'q-match', { 1: 'B', 2: 'B', 3: 'A' }]);
    await quiz.next();
    expect(calls.at(-1)).toEqual(['finish', { 'q-order': ['A', 'B', 'C'], 'q-match': { 1: 'B', 2: 'B', 3: 'A' } }]);
  });
});
