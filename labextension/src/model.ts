/**
 * The panel logic, without any DOM: the study map's state and one quiz sitting.
 *
 * Both models talk to the server extension (`jupyter_mlkit.serverext`) through
 * an `IMlkitApi` they are given, so the tests drive them with a fake one.
 * Views (`sidebar.ts`, `quizpanel.ts`) only render a model and call its methods;
 * they redraw on its `changed` signal.
 */
import { ISignal, Signal } from '@lumino/signaling';

/** A notebook's state, in the order it is reached (it never goes back). */
export type NotebookState = 'not started' | 'opened' | 'completed';

/** A topic's quiz record in the progress file: [correct, total] pairs. */
export interface IQuizRecord {
  best: [number, number];
  last: [number, number];
  attempts: number;
}

/** One topic of the study map, as `GET mlkit/study-map` sends it. */
export interface ITopic {
  number: number;
  id: string;
  title: string;
  notebook: string;
  notebook_id: string;
  path: string;
  features: string[];
  widget: string;
  available: boolean;
  state: NotebookState;
  quiz: IQuizRecord | null;
  questions: number;
}

/** Every answer of the server extension carries the progress file's warnings. */
export interface IReply {
  warnings: string[];
}

export interface IStudyMapReply extends IReply {
  topics: ITopic[];
  progress_file: string;
}

export interface IOpenReply extends IReply {
  topic: string;
  path: string;
  copied: string[];
  state: NotebookState;
}

/** An answer as the server takes it: keys (choice: any order; ordering: in order) or prompt -> response. */
export type Answer = string[] | Record<string, string>;

/** The scenario a case study's questions share. */
export interface ICase {
  id: string;
  title: string;
  scenario: string;
  part: number;
  parts: number;
}

/** A question before it is answered: no answer, no explanations. */
export interface IQuestion {
  id: string;
  topic: string;
  type: 'single' | 'multiple' | 'ordering' | 'matching';
  choose: number;
  scenario: string;
  /** Answer options, ordering steps or matching responses. */
  options: { key: string; text: string }[];
  notes_section: string;
  case?: ICase | null;
  /** Matching items only: the numbered prompts to pair with `options`. */
  prompts?: { key: string; text: string }[];
}

export interface IQuizReply extends IReply {
  topic: string;
  title: string;
  questions: IQuestion[];
}

export interface IGradedOption {
  key: string;
  text: string;
  /** null for ordering steps and matching responses */
  correct: boolean | null;
  chosen: boolean | null;
  why: string;
}

export interface IGradedStep {
  key: string;
  text: string;
  place: number;
  chosen_place: number;
  in_place: boolean;
  why: string;
}

export interface IGradedPrompt {
  key: string;
  text: string;
  match: string;
  chosen: string;
  correct: boolean;
  why: string;
}

export interface IGrade extends IReply {
  question_id: string;
  correct: boolean;
  chosen: Answer;
  answer: Answer;
  marks?: Record<string, boolean>;
  options: IGradedOption[];
  steps?: IGradedStep[];
  prompts?: IGradedPrompt[];
}

export interface IFinishReply extends IReply {
  topic: string;
  correct: number;
  answered: number;
  total: number;
  recorded: boolean;
  quiz: IQuizRecord | null;
}

/** The server extension's routes (see `api.ts` for the HTTP version). */
export interface IMlkitApi {
  studyMap(): Promise<IStudyMapReply>;
  open(topic: string): Promise<IOpenReply>;
  quiz(topic: string): Promise<IQuizReply>;
  answer(topic: string, questionId: string, chosen: Answer): Promise<IGrade>;
  finish(topic: string, answers: Record<string, Answer>): Promise<IFinishReply>;
}

// -- small pure helpers -------------------------------------------------------------------------

/** `"3/4"` for a record's best score, `""` when the quiz was never finished. */
export function formatScore(quiz: IQuizRecord | null): string {
  return quiz ? `${quiz.best[0]}/${quiz.best[1]}` : '';
}

/** The state as the sidebar writes it. */
export function stateLabel(state: NotebookState): string {
  return state === 'completed' ? 'run to the end' : state;
}

/**
 * The next lesson: the first topic in study order whose notebook is in the
 * course and not run to the end yet; `null` when every available one is done.
 */
export function nextTopic(topics: ITopic[]): ITopic | null {
  return topics.find(t => t.available && t.state !== 'completed') ?? null;
}

/** The topic whose notebook is at `path` (any folder: matched by file name), or `null`. */
export function topicForPath(topics: ITopic[], path: string | null | undefined): ITopic | null {
  if (!path) {
    return null;
  }
  const name = path.split('/').pop();
  return topics.find(t => t.notebook === name) ?? null;
}

/** How far the learner is: notebooks run to the end, of those in the course. */
export function progressSummary(topics: ITopic[]): { completed: number; available: number } {
  const available = topics.filter(t => t.available);
  return {
    completed: available.filter(t => t.state === 'completed').length,
    available: available.length
  };
}

/** The message of an error of any kind. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

// -- the study map --------------------------------------------------------------------------------

/**
 * The study map: topics with the learner's state, the progress file's
 * warnings (kept until dismissed), and the last error. `refresh()` reads the
 * server; `open()` and `recordQuiz()` update one topic at once; every change
 * emits `changed`.
 */
export class StudyModel {
  constructor(api: IMlkitApi) {
    this.api = api;
  }

  readonly api: IMlkitApi;
  topics: ITopic[] = [];
  warnings: string[] = [];
  error: string | null = null;
  progressFile = '';
  loaded = false;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  topic(id: string): ITopic | null {
    return this.topics.find(t => t.id === id) ?? null;
  }

  next(): ITopic | null {
    return nextTopic(this.topics);
  }

  /** Re-read the study map; an error is kept in `error` (never thrown). */
  async refresh(): Promise<void> {
    try {
      const reply = await this.api.studyMap();
      this.topics = reply.topics;
      this.progressFile = reply.progress_file;
      this.error = null;
      this.loaded = true;
      this.addWarnings(reply.warnings);
    } catch (error) {
      this.error = errorMessage(error);
    }
    this._changed.emit();
  }

  /** Ask the server to prepare `topicId`'s notebook; returns its path (errors are thrown). */
  async open(topicId: string): Promise<string> {
    const reply = await this.api.open(topicId);
    const topic = this.topic(topicId);
    if (topic) {
      topic.state = reply.state;
    }
    this.addWarnings(reply.warnings);
    this._changed.emit();
    return reply.path;
  }

  /** A quiz was finished: show its record at once (the sidebar does not wait for a refresh). */
  recordQuiz(reply: IFinishReply): void {
    const topic = this.topic(reply.topic);
    if (topic && reply.quiz) {
      topic.quiz = reply.quiz;
    }
    this.addWarnings(reply.warnings, false);
    this._changed.emit();
  }

  /** Keep warnings not seen yet (each shown once until dismissed). */
  addWarnings(warnings: string[] | undefined, emit = false): void {
    for (const w of warnings ?? []) {
      if (!this.warnings.includes(w)) {
        this.warnings.push(w);
      }
    }
    if (emit) {
      this._changed.emit();
    }
  }

  dismissWarnings(): void {
    this.warnings = [];
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
}

// -- one quiz sitting -------------------------------------------------------------------------------

export type QuizPhase = 'loading' | 'asking' | 'graded' | 'finished' | 'error';

/**
 * One sitting of a topic's quiz. `load()` fetches the questions; `toggle(key)`
 * picks options (one for a single-choice question, up to `choose` for a
 * multiple one), `place(i, key)` puts a step in place i of an ordering item,
 * `pair(prompt, key)` answers a prompt of a matching item; `submit()` has
 * the server grade the answer (phase
 * `graded`: every option's why is in `lastGrade`); `next()` moves on, and
 * after the last question `finish()` has the server grade everything again
 * and record the score, then emits `finished` with the new record.
 */
export class QuizModel {
  constructor(api: IMlkitApi, topic: string) {
    this.api = api;
    this.topic = topic;
  }

  readonly api: IMlkitApi;
  readonly topic: string;
  title = '';
  questions: IQuestion[] = [];
  index = 0;
  selected = new Set<string>();
  /** Ordering items: the step key in each place (null: not placed yet). */
  placed: (string | null)[] = [];
  /** Matching items: the response key chosen for each prompt. */
  paired: Record<string, string> = {};
  grades: IGrade[] = [];
  phase: QuizPhase = 'loading';
  error: string | null = null;
  result: IFinishReply | null = null;
  warnings: string[] = [];
  busy = false;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted once per sitting, with the server's answer, when the score is recorded. */
  get finished(): ISignal<this, IFinishReply> {
    return this._finished;
  }

  get current(): IQuestion | null {
    return this.phase === 'asking' || this.phase === 'graded' ? this.questions[this.index] ?? null : null;
  }

  get lastGrade(): IGrade | null {
    return this.phase === 'graded' ? this.grades[this.grades.length - 1] ?? null : null;
  }

  get isLast(): boolean {
    return this.index >= this.questions.length - 1;
  }

  get score(): { correct: number; answered: number; total: number } {
    return {
      correct: this.grades.filter(g => g.correct).length,
      answered: this.grades.length,
      total: this.questions.length
    };
  }

  /** How many options the current question needs. */
  get needed(): number {
    const q = this.current;
    return q ? (q.type === 'single' ? 1 : q.choose) : 0;
  }

  get canSubmit(): boolean {
    const q = this.current;
    if (!q || this.phase !== 'asking' || this.busy) {
      return false;
    }
    if (q.type === 'ordering') {
      const keys = this.placed.filter((k): k is string => k !== null);
      return keys.length === q.options.length && new Set(keys).size === keys.length;
    }
    if (q.type === 'matching') {
      return (q.prompts ?? []).every(p => p.key in this.paired);
    }
    return this.selected.size === this.needed;
  }

  /** The answer as the server takes it. */
  get answer(): Answer {
    const q = this.current;
    if (q?.type === 'ordering') {
      return this.placed.filter((k): k is string => k !== null);
    }
    if (q?.type === 'matching') {
      return { ...this.paired };
    }
    return [...this.selected].sort();
  }

  /** Ordering items: put step `key` in place `index` (0-based; null empties the place). */
  place(index: number, key: string | null): void {
    const q = this.current;
    if (!q || q.type !== 'ordering' || this.phase !== 'asking' || index < 0 || index >= q.options.length ||
        (key !== null && !q.options.some(o => o.key === key))) {
      return;
    }
    this.placed = this.placed.slice();
    this.placed[index] = key;
    this.error = null;
    this._changed.emit();
  }

  /** Matching items: answer prompt `prompt` with response `key` (null clears it). */
  pair(prompt: string, key: string | null): void {
    const q = this.current;
    if (!q || q.type !== 'matching' || this.phase !== 'asking' || !(q.prompts ?? []).some(p => p.key === prompt) ||
        (key !== null && !q.options.some(o => o.key === key))) {
      return;
    }
    const paired = { ...this.paired };
    if (key === null) {
      delete paired[prompt];
    } else {
      paired[prompt] = key;
    }
    this.paired = paired;
    this.error = null;
    this._changed.emit();
  }

  private resetAnswer(): void {
    this.selected = new Set();
    const q = this.questions[this.index];
    this.placed = q && q.type === 'ordering' ? q.options.map(() => null) : [];
    this.paired = {};
  }

  async load(): Promise<void> {
    this.phase = 'loading';
    this._changed.emit();
    try {
      const reply = await this.api.quiz(this.topic);
      this.title = reply.title;
      this.questions = reply.questions;
      this.index = 0;
      this.grades = [];
      this.resetAnswer();
      this.result = null;
      this.error = null;
      this.warnings = reply.warnings;
      this.phase = this.questions.length ? 'asking' : 'error';
      if (!this.questions.length) {
        this.error = `topic ${this.topic} has no questions yet`;
      }
    } catch (error) {
      this.error = errorMessage(error);
      this.phase = 'error';
    }
    this._changed.emit();
  }

  /** Pick or unpick an option of the current question (ignored once graded). */
  toggle(key: string): void {
    const q = this.current;
    if (!q || this.phase !== 'asking' || !q.options.some(o => o.key === key)) {
      return;
    }
    if (q.type === 'single') {
      this.selected = new Set([key]);
    } else if (this.selected.has(key)) {
      this.selected.delete(key);
    } else if (this.selected.size < q.choose) {
      this.selected.add(key);
    }
    this.error = null;
    this._changed.emit();
  }

  /** Have the current answer graded; an error (e.g. the server is gone) is kept in `error`. */
  async submit(): Promise<void> {
    const q = this.current;
    if (!q || !this.canSubmit) {
      return;
    }
    this.busy = true;
    this._changed.emit();
    try {
      const grade = await this.api.answer(this.topic, q.id, this.answer);
      this.grades.push(grade);
      this.phase = 'graded';
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
    this.busy = false;
    this._changed.emit();
  }

  /** After a grade: the next question, or finish after the last one. */
  async next(): Promise<void> {
    if (this.phase !== 'graded') {
      return;
    }
    if (this.isLast) {
      await this.finish();
      return;
    }
    this.index += 1;
    this.resetAnswer();
    this.phase = 'asking';
    this._changed.emit();
  }

  /** The answers given so far, as the finish route takes them. */
  answers(): Record<string, Answer> {
    const out: Record<string, Answer> = {};
    for (const g of this.grades) {
      out[g.question_id] = g.chosen;
    }
    return out;
  }

  /** End the sitting (also early): the server records the score; `finished` is emitted. */
  async finish(): Promise<void> {
    if (this.phase === 'finished' || this.phase === 'loading' || this.busy) {
      return;
    }
    this.busy = true;
    this._changed.emit();
    try {
      const reply = await this.api.finish(this.topic, this.answers());
      this.result = reply;
      this.phase = 'finished';
      this.error = null;
      this.warnings = reply.warnings;
      this.busy = false;
      this._changed.emit();
      this._finished.emit(reply);
      return;
    } catch (error) {
      this.error = errorMessage(error);
    }
    this.busy = false;
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _finished = new Signal<this, IFinishReply>(this);
}
