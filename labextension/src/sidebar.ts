/**
 * The "Study map" sidebar: every topic in study order, its notebook, its
 * SageMaker features, the learner's state and best quiz score, with buttons
 * to open the lesson or take its quiz. A view of a `StudyModel`: it redraws on
 * `model.changed` and calls back for actions; plain buttons, so Tab reaches
 * every action in reading order.
 */
import { Widget } from '@lumino/widgets';

import { button, el } from './dom';
import { formatScore, ITopic, progressSummary, StudyModel, stateLabel } from './model';

export interface IStudyMapActions {
  open(topicId: string): void;
  quiz(topicId: string): void;
}

export class StudyMapPanel extends Widget {
  constructor(model: StudyModel, actions: IStudyMapActions) {
    super();
    this.model = model;
    this.actions = actions;
    this.id = 'mlkit-study-map';
    this.addClass('mlkit-StudyMap');
    this.title.caption = 'mlkit study map';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'mlkit study map');
    model.changed.connect(this.render, this);
    this.render();
  }

  readonly model: StudyModel;
  readonly actions: IStudyMapActions;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this.render, this);
    super.dispose();
  }

  /** Redraw from the model, keeping the focused button focused. */
  render(): void {
    const focused = document.activeElement as HTMLElement | null;
    const focusKey =
      focused && this.node.contains(focused) ? focused.getAttribute('data-mlkit-focus') : null;
    const model = this.model;
    const root = el('div', 'mlkit-StudyMap-content');

    const header = el('div', 'mlkit-StudyMap-header');
    header.appendChild(el('h2', 'mlkit-StudyMap-title', 'Study map'));
    const summary = progressSummary(model.topics);
    header.appendChild(
      el(
        'p',
        'mlkit-StudyMap-summary',
        model.loaded ? `${summary.completed} of ${summary.available} lessons run to the end` : 'Loading…'
      )
    );
    const tools = el('div', 'mlkit-StudyMap-tools');
    const next = model.next();
    const nextButton = button(
      next ? `Next lesson: ${next.number}. ${next.title}` : 'All lessons run to the end',
      'mlkit-next',
      () => next && this.actions.open(next.id)
    );
    nextButton.disabled = !next;
    nextButton.setAttribute('data-mlkit-focus', 'next');
    tools.appendChild(nextButton);
    const refresh = button('Refresh', 'mlkit-refresh', () => void model.refresh(), 'Read the progress file again');
    refresh.setAttribute('data-mlkit-focus', 'refresh');
    tools.appendChild(refresh);
    header.appendChild(tools);
    root.appendChild(header);

    if (model.warnings.length) {
      const banner = el('div', 'mlkit-banner mlkit-warning');
      banner.setAttribute('role', 'alert');
      banner.appendChild(el('strong', undefined, 'Your progress file was damaged. '));
      for (const w of model.warnings) {
        banner.appendChild(el('p', 'mlkit-warning-text', w));
      }
      const ok = button('Dismiss', 'mlkit-dismiss', () => model.dismissWarnings());
      ok.setAttribute('data-mlkit-focus', 'dismiss');
      banner.appendChild(ok);
      root.appendChild(banner);
    }
    if (model.error) {
      const banner = el('div', 'mlkit-banner mlkit-error');
      banner.setAttribute('role', 'alert');
      banner.textContent = `The study map could not be read: ${model.error}`;
      root.appendChild(banner);
    }

    const list = el('ol', 'mlkit-topics');
    for (const t of model.topics) {
      list.appendChild(this.topicItem(t, next));
    }
    root.appendChild(list);

    this.node.replaceChildren(root);
    if (focusKey) {
      const again = this.node.querySelector<HTMLElement>(`[data-mlkit-focus="${focusKey}"]`);
      again?.focus();
    }
  }

  private topicItem(t: ITopic, next: ITopic | null): HTMLLIElement {
    const li = el('li', `mlkit-topic mlkit-state-${t.state.replace(' ', '-')}`);
    li.setAttribute('data-topic', t.id);
    if (next && next.id === t.id) {
      li.classList.add('mlkit-is-next');
    }
    const head = el('div', 'mlkit-topic-head');
    head.appendChild(el('span', 'mlkit-topic-number', String(t.number)));
    head.appendChild(el('span', 'mlkit-topic-title', t.title));
    li.appendChild(head);

    const facts = el('div', 'mlkit-topic-facts');
    const state = el('span', 'mlkit-badge mlkit-topic-state', t.available ? stateLabel(t.state) : 'coming');
    facts.appendChild(state);
    const score = formatScore(t.quiz);
    if (score) {
      const s = el('span', 'mlkit-badge mlkit-topic-score', `quiz best ${score}`);
      s.title = `last ${t.quiz!.last[0]}/${t.quiz!.last[1]}, ${t.quiz!.attempts} attempt(s)`;
      facts.appendChild(s);
    }
    li.appendChild(facts);
    li.appendChild(el('div', 'mlkit-topic-notebook', t.available ? t.notebook : `${t.notebook} (coming)`));
    li.appendChild(el('div', 'mlkit-topic-features', t.features.join(' · ')));

    const actions = el('div', 'mlkit-topic-actions');
    const open = button('Open', 'mlkit-open', () => this.actions.open(t.id), `Open ${t.notebook}`);
    open.disabled = !t.available;
    open.setAttribute('data-mlkit-focus', `open-${t.id}`);
    open.setAttribute('aria-label', `Open lesson ${t.number}: ${t.title}`);
    actions.appendChild(open);
    const quiz = button(
      t.questions ? `Quiz (${t.questions})` : 'No quiz yet',
      'mlkit-quiz',
      () => this.actions.quiz(t.id)
    );
    quiz.disabled = !t.questions;
    quiz.setAttribute('data-mlkit-focus', `quiz-${t.id}`);
    quiz.setAttribute('aria-label', `Quiz on ${t.title}`);
    actions.appendChild(quiz);
    li.appendChild(actions);
    return li;
  }
}
