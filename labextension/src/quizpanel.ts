/**
 * The quiz panel (main area): one topic's questions from the kit's bank, the
 * server's grade with every option's explanation after each answer, and the
 * recorded score at the end. A view of a `QuizModel`: radio buttons or check
 * boxes in a fieldset (a native select per place for ordering items, per
 * prompt for matching items), native buttons, focus moved to what comes next.
 */
import { Widget } from '@lumino/widgets';

import { button, el } from './dom';
import { IGrade, IQuestion, QuizModel } from './model';

const ORDINALS = ['1st', '2nd', '3rd', '4th', '5th', '6th', '7th'];

/** A native select: a "-" entry (nothing chosen) and one entry per key. */
function select(label: string, keys: string[], value: string | null, disabled: boolean,
                onChange: (key: string | null) => void, className: string): HTMLLabelElement {
  const wrap = el('label', className);
  wrap.appendChild(el('span', 'mlkit-pick-label', label));
  const sel = el('select');
  sel.appendChild(new Option('-', ''));
  for (const k of keys) {
    sel.appendChild(new Option(k, k));
  }
  sel.value = value ?? '';
  sel.disabled = disabled;
  sel.addEventListener('change', () => onChange(sel.value === '' ? null : sel.value));
  wrap.appendChild(sel);
  return wrap;
}

function verdictText(q: IQuestion, g: IGrade): string {
  if (g.correct) {
    return 'Right.';
  }
  if (q.type === 'ordering') {
    return `Wrong: the right order is ${(g.answer as string[]).join(' → ')}.`;
  }
  if (q.type === 'matching') {
    const wrong = (g.prompts ?? []).filter(p => !p.correct).length;
    return `Wrong: ${wrong} of ${(g.prompts ?? []).length} pairs are wrong; every pair must be right.`;
  }
  return `Wrong: the answer is ${(g.answer as string[]).join(', ')}.`;
}

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
      const how = q.type === 'multiple' ? ` · choose ${q.choose}`
        : q.type === 'ordering' ? ` · put ${q.choose} steps in order`
        : q.type === 'matching' ? ` · match ${q.choose} prompts` : '';
      const position = el('p', 'mlkit-QuizPanel-position', `Question ${m.index + 1} of ${m.questions.length}${how}`);
      root.appendChild(position);
      if (q.case) {
        const c = el('div', 'mlkit-QuizPanel-case');
        c.appendChild(el('p', 'mlkit-QuizPanel-case-title', `Case study: ${q.case.title} (question ${q.case.part} of ${q.case.parts})`));
        c.appendChild(el('p', 'mlkit-QuizPanel-case-scenario', q.case.scenario));
        root.appendChild(c);
      }
      const form = el('fieldset', 'mlkit-QuizPanel-question');
      form.appendChild(el('legend', 'mlkit-QuizPanel-scenario', q.scenario));
      let firstInput: HTMLInputElement | HTMLSelectElement | null = null;
      if (q.type === 'ordering' || q.type === 'matching') {
        firstInput = this.renderPicks(form, q, graded);
      } else {
      const inputType = q.type === 'single' ? 'radio' : 'checkbox';
      const byKey = new Map((graded?.options ?? []).map(o => [o.key, o]));
      for (const o of q.options) {
        const row = el('div', 'mlkit-option');
        row.setAttribute('data-key', o.key);
        const label = el('label', 'mlkit-option-label');
        const input = el('input');
        input.type = inputType;
        input.name = `mlkit-quiz-${m.topic}-${q.id}`;
        input.value = o.key;
        input.checked = graded ? (graded.chosen as string[]).includes(o.key) : m.selected.has(o.key);
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
      }
      root.appendChild(form);
      if (graded) {
        const verdict = el(
          'p',
          `mlkit-QuizPanel-verdict ${graded.correct ? 'mlkit-right' : 'mlkit-wrong'}`,
          verdictText(q, graded)
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
    const keepSelect = active && this.node.contains(active) && active.tagName === 'SELECT'
      ? [...this.node.querySelectorAll('select')].indexOf(active as unknown as HTMLSelectElement) : -1;
    this.node.replaceChildren(root);
    if (keepKey && m.phase === 'asking') {
      this.node.querySelector<HTMLInputElement>(`input[value="${keepKey}"]`)?.focus();
    } else if (keepSelect >= 0 && m.phase === 'asking') {
      this.node.querySelectorAll('select')[keepSelect]?.focus();
    } else if (focusTarget && this.isVisible) {
      focusTarget.focus();
    }
  }

  /** Ordering and matching items: the elements, a select per place or prompt, and after grading each why. */
  private renderPicks(form: HTMLElement, q: IQuestion, graded: IGrade | null): HTMLSelectElement | null {
    const m = this.model;
    const keys = q.options.map(o => o.key);
    const list = (title: string, items: { key: string; text: string }[], cls: string) => {
      const box = el('div', cls);
      box.appendChild(el('p', 'mlkit-pick-heading', title));
      for (const it of items) {
        const row = el('div', 'mlkit-option');
        row.setAttribute('data-key', it.key);
        row.appendChild(el('span', 'mlkit-option-key', `${it.key}.`));
        row.appendChild(el('span', 'mlkit-option-text', it.text));
        box.appendChild(row);
      }
      form.appendChild(box);
    };
    const picks = el('div', 'mlkit-picks');
    if (q.type === 'ordering') {
      list('Steps', q.options, 'mlkit-steps');
      const chosen = graded ? (graded.chosen as string[]) : m.placed;
      q.options.forEach((_, i) => {
        picks.appendChild(select(ORDINALS[i] ?? `${i + 1}th`, keys, chosen[i] ?? null, !!graded || m.busy,
          key => m.place(i, key), 'mlkit-pick mlkit-place'));
      });
    } else {
      list('Prompts', q.prompts ?? [], 'mlkit-prompts');
      list('Responses (a response may fit several prompts, or none)', q.options, 'mlkit-responses');
      const chosen = graded ? (graded.chosen as Record<string, string>) : m.paired;
      for (const p of q.prompts ?? []) {
        picks.appendChild(select(`${p.key}.`, keys, chosen[p.key] ?? null, !!graded || m.busy,
          key => m.pair(p.key, key), 'mlkit-pick mlkit-pair'));
      }
    }
    form.appendChild(picks);
    if (graded) {
      const why = el('div', 'mlkit-pick-feedback');
      for (const st of graded.steps ?? []) {
        const row = el('p', `mlkit-option-why ${st.in_place ? 'mlkit-right' : 'mlkit-wrong'}`);
        row.appendChild(el('strong', undefined, `${st.place}. ${st.key} ${st.in_place ? '(in place)' : `(you put it ${st.chosen_place}.)`}: `));
        row.appendChild(document.createTextNode(`${st.text} — ${st.why}`));
        why.appendChild(row);
      }
      for (const pr of graded.prompts ?? []) {
        const row = el('p', `mlkit-option-why ${pr.correct ? 'mlkit-right' : 'mlkit-wrong'}`);
        row.appendChild(el('strong', undefined, `${pr.key} → ${pr.match} ${pr.correct ? '(right)' : `(you chose ${pr.chosen})`}: `));
        row.appendChild(document.createTextNode(pr.why));
        why.appendChild(row);
      }
      form.appendChild(why);
    }
    return picks.querySelector('select');
  }
}
