/**
 * The quiz panel (main area): one topic's questions from the kit's bank, the
 * server's grade with every option's explanation after each answer, and the
 * recorded score at the end. A view of a `QuizModel`: radio buttons or check
 * boxes in a fieldset, native buttons, focus moved to what comes next.
 */
import { Widget } from '@lumino/widgets';

import { button, el } from './dom';
import { QuizModel } from './model';

export class QuizPanel extends Widget {
  constructor(model: QuizModel) {
    super();
    this.model = model;
    this.addClass('mlkit-QuizPanel');
    this.node.tabIndex = -1;
    model.changed.connect(this.render, this);
    this.render();
  }

  readonly model: QuizModel;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this.render, this);
    super.dispose();
  }

  render(): void {
    const m = this.model;
    const root = el('div', 'mlkit-QuizPanel-content');
    root.appendChild(el('h2', 'mlkit-QuizPanel-title', `Quiz: ${m.title || m.topic}`));
    let focusTarget: HTMLElement | null = null;

    if (m.warnings.length) {
      const banner = el('div', 'mlkit-banner mlkit-warning');
      banner.setAttribute('role', 'alert');
      for (const w of m.warnings) {
        banner.appendChild(el('p', 'mlkit-warning-text', w));
      }
      root.appendChild(banner);
    }

    if (m.phase === 'loading') {
      root.appendChild(el('p', 'mlkit-QuizPanel-status', 'Loading the questions…'));
    } else if (m.phase === 'finished' && m.result) {
      const r = m.result;
      const done = el('div', 'mlkit-QuizPanel-result');
      done.appendChild(el('p', 'mlkit-QuizPanel-score', `Score: ${r.correct}/${r.total} correct (${r.answered} of ${r.total} answered).`));
      done.appendChild(
        el(
          'p',
          'mlkit-QuizPanel-recorded',
          r.recorded
            ? `Recorded in your progress${r.quiz ? `: best ${r.quiz.best[0]}/${r.quiz.best[1]} after ${r.quiz.attempts} attempt(s)` : ''}.`
            : 'Nothing answered, nothing recorded.'
        )
      );
      const again = button('Try again', 'mlkit-again', () => void m.load());
      done.appendChild(again);
      root.appendChild(done);
      focusTarget = again;
    } else if (m.current) {
      const q = m.current;
      const graded = m.lastGrade;
      const position = el('p', 'mlkit-QuizPanel-position', `Question ${m.index + 1} of ${m.questions.length}` +
        (q.type === 'multiple' ? ` · choose ${q.choose}` : ''));
      root.appendChild(position);
      const form = el('fieldset', 'mlkit-QuizPanel-question');
      form.appendChild(el('legend', 'mlkit-QuizPanel-scenario', q.scenario));
      const inputType = q.type === 'single' ? 'radio' : 'checkbox';
      const byKey = new Map((graded?.options ?? []).map(o => [o.key, o]));
      let firstInput: HTMLInputElement | null = null;
      for (const o of q.options) {
        const row = el('div', 'mlkit-option');
        row.setAttribute('data-key', o.key);
        const label = el('label', 'mlkit-option-label');
        const input = el('input');
        input.type = inputType;
        input.name = `mlkit-quiz-${m.topic}-${q.id}`;
        input.value = o.key;
        input.checked = graded ? graded.chosen.includes(o.key) : m.selected.has(o.key);
        input.disabled = !!graded || m.busy;
        input.addEventListener('change', () => m.toggle(o.key));
        label.appendChild(input);
        label.appendChild(el('span', 'mlkit-option-key', `${o.key}.`));
        label.appendChild(el('span', 'mlkit-option-text', o.text));
        row.appendChild(label);
        const g = byKey.get(o.key);
        if (g) {
          row.classList.add(g.correct ? 'mlkit-right' : 'mlkit-wrong');
          if (g.chosen) {
            row.classList.add('mlkit-chosen');
            label.appendChild(el('span', 'mlkit-badge mlkit-option-chosen', 'your answer'));
          }
          const why = el('p', 'mlkit-option-why');
          why.appendChild(el('strong', undefined, g.correct ? 'Right: ' : 'Wrong: '));
          why.appendChild(document.createTextNode(g.why));
          row.appendChild(why);
        }
        form.appendChild(row);
        firstInput = firstInput ?? input;
      }
      root.appendChild(form);
      if (graded) {
        const verdict = el(
          'p',
          `mlkit-QuizPanel-verdict ${graded.correct ? 'mlkit-right' : 'mlkit-wrong'}`,
          graded.correct ? 'Right.' : `Wrong: the answer is ${graded.answer.join(', ')}.`
        );
        verdict.setAttribute('role', 'status');
        root.appendChild(verdict);
        const next = button(m.isLast ? 'Finish and record the score' : 'Next question', 'mlkit-next-question', () => void m.next());
        next.disabled = m.busy;
        root.appendChild(next);
        focusTarget = next;
      } else {
        const actions = el('div', 'mlkit-QuizPanel-actions');
        const check = button('Check answer', 'mlkit-check', () => void m.submit());
        check.disabled = !m.canSubmit;
        actions.appendChild(check);
        if (m.grades.length) {
          actions.appendChild(button('Stop and record the score', 'mlkit-stop', () => void m.finish()));
        }
        root.appendChild(actions);
        if (!this.node.contains(document.activeElement) || document.activeElement === this.node) {
          focusTarget = firstInput;
        }
      }
      root.appendChild(el('p', 'mlkit-QuizPanel-running', `So far: ${m.score.correct} of ${m.score.answered} right`));
    }

    if (m.error) {
      const banner = el('div', 'mlkit-banner mlkit-error', m.error);
      banner.setAttribute('role', 'alert');
      root.appendChild(banner);
    }

    // keep the focus on the option the learner is on (redraws replace the nodes)
    const active = document.activeElement as HTMLInputElement | null;
    const keepKey = active && this.node.contains(active) && active.tagName === 'INPUT' ? active.value : null;
    this.node.replaceChildren(root);
    if (keepKey && m.phase === 'asking') {
      this.node.querySelector<HTMLInputElement>(`input[value="${keepKey}"]`)?.focus();
    } else if (focusTarget && this.isVisible) {
      focusTarget.focus();
    }
  }
}
