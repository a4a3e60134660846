/**
 * mlkit in JupyterLab: the "Study map" sidebar, the quiz panel, a launcher
 * card and command palette entries. Data and progress come from the kit's
 * server extension (`jupyter_mlkit.serverext`), so the sidebar, `%study`,
 * `%quiz` and `mlkit quiz` share one progress file.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, showErrorMessage } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { LabIcon } from '@jupyterlab/ui-components';

import { HttpMlkitApi } from './api';
import { QuizModel, StudyModel, topicForPath } from './model';
import { QuizPanel } from './quizpanel';
import { StudyMapPanel } from './sidebar';

const PLUGIN_ID = 'mlkit-labextension:plugin';

export namespace CommandIDs {
  export const openStudyMap = 'mlkit:open-study-map';
  export const openTopic = 'mlkit:open-topic';
  export const nextLesson = 'mlkit:next-lesson';
  export const quiz = 'mlkit:quiz';
}

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 5.5 9 3l6 2.5L21 3v15.5L15 21l-6-2.5L3 21V5.5zm2 1.3v11.1l3-1.25V5.55L5 6.8zm5-1.25v11.1l4 1.67V7.22l-4-1.67zm6 1.67v11.1l3-1.25V5.95l-3 1.27z"/>
  </g>
</svg>`;

export const mlkitIcon = new LabIcon({ name: 'mlkit:study-map', svgstr: ICON_SVG });

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'The mlkit study map in the sidebar, quizzes in a panel, progress kept by the kit.',
  autoStart: true,
  optional: [ILayoutRestorer, ILauncher, ICommandPalette, ISettingRegistry, INotebookTracker, IStateDB],
  activate: (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    notebooks: INotebookTracker | null,
    state: IStateDB | null
  ) => {
    const { commands, shell } = app;
    const api = new HttpMlkitApi(app.serviceManager.serverSettings);
    const model = new StudyModel(api);
    const quizzes = new Map<string, MainAreaWidget<QuizPanel>>();

    const openTopic = async (topicId: string): Promise<unknown> => {
      try {
        const path = await model.open(topicId);
        const specs = app.serviceManager.kernelspecs.specs;
        const kernel = { name: specs?.default || 'python3' };
        return await commands.execute('docmanager:open', { path, factory: 'Notebook', kernel });
      } catch (error) {
        void showErrorMessage('mlkit: could not open the lesson', String((error as Error).message ?? error));
        return null;
      }
    };

    const openQuiz = (topicId: string): MainAreaWidget<QuizPanel> => {
      const existing = quizzes.get(topicId);
      if (existing && !existing.isDisposed) {
        shell.activateById(existing.id);
        return existing;
      }
      const quiz = new QuizModel(api, topicId);
      quiz.finished.connect((_, reply) => model.recordQuiz(reply));
      const content = new QuizPanel(quiz);
      const widget = new MainAreaWidget({ content });
      widget.id = `mlkit-quiz-${topicId}`;
      widget.title.label = `Quiz: ${model.topic(topicId)?.title ?? topicId}`;
      widget.title.icon = mlkitIcon;
      widget.title.closable = true;
      widget.disposed.connect(() => quizzes.delete(topicId));
      quizzes.set(topicId, widget);
      shell.add(widget, 'main');
      shell.activateById(widget.id);
      void quiz.load();
      return widget;
    };

    const sidebar = new StudyMapPanel(model, {
      open: id => void openTopic(id),
      quiz: id => void openQuiz(id)
    });
    sidebar.title.icon = mlkitIcon;
    let sidebarShown = false;
    const showSidebar = (show: boolean) => {
      if (show && !sidebarShown) {
        shell.add(sidebar, 'left', { rank: 650, type: 'mlkit Study Map' });
        sidebarShown = true;
      } else if (!show && sidebarShown) {
        sidebar.parent = null;
        sidebarShown = false;
      }
    };
    if (restorer) {
      restorer.add(sidebar, sidebar.id);
    }

    const currentTopic = () => {
      const path = notebooks?.currentWidget?.context.path;
      return topicForPath(model.topics, path);
    };

    commands.addCommand(CommandIDs.openStudyMap, {
      label: 'Open the mlkit Study Map',
      caption: 'Every topic of the course, your progress and quiz scores',
      icon: mlkitIcon,
      execute: () => {
        showSidebar(true);
        shell.activateById(sidebar.id);
        return model.refresh();
      }
    });
    commands.addCommand(CommandIDs.openTopic, {
      label: args => (args.topic ? `Open mlkit lesson ${String(args.topic)}` : 'Open an mlkit lesson'),
      describedBy: { args: { type: 'object', properties: { topic: { type: 'string' } } } },
      execute: args => openTopic(String(args.topic))
    });
    commands.addCommand(CommandIDs.nextLesson, {
      label: () => {
        const next = model.next();
        return next ? `mlkit: Next Lesson (${next.number}. ${next.title})` : 'mlkit: Next Lesson';
      },
      caption: 'Open the first lesson not run to the end',
      icon: mlkitIcon,
      execute: async () => {
        if (!model.loaded) {
          await model.refresh();
        }
        const next = model.next();
        if (!next) {
          void showErrorMessage('mlkit', 'Every lesson of the course is run to the end.');
          return null;
        }
        return openTopic(next.id);
      }
    });
    commands.addCommand(CommandIDs.quiz, {
      label: args => {
        if (args.topic) {
          return `mlkit: Quiz on ${model.topic(String(args.topic))?.title ?? String(args.topic)}`;
        }
        const t = currentTopic();
        return t ? `mlkit: Quiz on This Notebook's Topic (${t.title})` : "mlkit: Quiz on This Notebook's Topic";
      },
      icon: mlkitIcon,
      isEnabled: args => {
        const t = args.topic ? model.topic(String(args.topic)) : currentTopic();
        return !!t && t.questions > 0;
      },
      execute: args => {
        const t = args.topic ? model.topic(String(args.topic)) : currentTopic();
        return t ? openQuiz(t.id) : null;
      }
    });

    if (palette) {
      const category = 'mlkit';
      palette.addItem({ command: CommandIDs.openStudyMap, category });
      palette.addItem({ command: CommandIDs.nextLesson, category });
      palette.addItem({ command: CommandIDs.quiz, category });
    }
    if (launcher) {
      launcher.add({ command: CommandIDs.openStudyMap, category: 'mlkit', rank: 0 });
      launcher.add({ command: CommandIDs.nextLesson, category: 'mlkit', rank: 1 });
    }

    // A course notebook that ran (its last cell is `%study done ...`): read the map again.
    let pending: ReturnType<typeof setTimeout> | null = null;
    NotebookActions.executed.connect((_, { notebook }) => {
      const panel = notebooks?.find(p => p.content === notebook);
      if (!panel || !topicForPath(model.topics, panel.context.path)) {
        return;
      }
      if (pending) {
        clearTimeout(pending);
      }
      pending = setTimeout(() => {
        pending = null;
        void model.refresh();
      }, 500);
    });
    notebooks?.currentChanged.connect(() => commands.notifyCommandChanged(CommandIDs.quiz));
    model.changed.connect(() => {
      commands.notifyCommandChanged(CommandIDs.quiz);
      commands.notifyCommandChanged(CommandIDs.nextLesson);
    });

    // The first time a workspace starts, the study map is the open sidebar panel; after
    // that the learner's layout (restored by JupyterLab) wins.
    const SEEN = 'mlkit-labextension:study-map-seen';
    const showOnFirstStart = async () => {
      if (!state || !sidebarShown) {
        return;
      }
      const seen = await state.fetch(SEEN);
      if (!seen) {
        shell.activateById(sidebar.id);
        await state.save(SEEN, true);
      }
    };
    const applySettings = (settings: ISettingRegistry.ISettings | null) => {
      const show = settings ? (settings.get('showSidebar').composite as boolean) !== false : true;
      showSidebar(show);
      // says the setting is applied (the browser tests wait for it)
      document.body.dataset.mlkitStudyMap = show ? 'shown' : 'hidden';
    };
    if (settingRegistry) {
      Promise.all([settingRegistry.load(PLUGIN_ID), app.restored])
        .then(([settings]) => {
          applySettings(settings);
          settings.changed.connect(applySettings);
          return showOnFirstStart();
        })
        .catch(reason => {
          console.warn('mlkit: settings could not be loaded; the study map is shown', reason);
          applySettings(null);
        });
    } else {
      void app.restored.then(() => {
        applySettings(null);
        return showOnFirstStart();
      });
    }
    void model.refresh();
  }
};

export default plugin;
