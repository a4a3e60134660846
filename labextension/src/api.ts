/**
 * The server extension's routes over the lab's own authenticated REST API
 * (`ServerConnection` adds the token/cookie and the XSRF header).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  Answer,
  IFinishReply,
  IGrade,
  IMlkitApi,
  IOpenReply,
  IQuizReply,
  IStudyMapReply
} from './model';

/** `IMlkitApi` over HTTP: an error answer becomes an `Error` carrying the server's message. */
export class HttpMlkitApi implements IMlkitApi {
  constructor(settings?: ServerConnection.ISettings) {
    this.settings = settings ?? ServerConnection.makeSettings();
  }

  readonly settings: ServerConnection.ISettings;

  studyMap(): Promise<IStudyMapReply> {
    return this.request('study-map');
  }

  open(topic: string): Promise<IOpenReply> {
    return this.request('open', { topic });
  }

  quiz(topic: string): Promise<IQuizReply> {
    return this.request(`quiz/${encodeURIComponent(topic)}`);
  }

  answer(topic: string, questionId: string, chosen: Answer): Promise<IGrade> {
    return this.request(`quiz/${encodeURIComponent(topic)}/answer`, {
      question_id: questionId,
      chosen
    });
  }

  finish(topic: string, answers: Record<string, Answer>): Promise<IFinishReply> {
    return this.request(`quiz/${encodeURIComponent(topic)}/finish`, { answers });
  }

  private async request<T>(route: string, body?: unknown): Promise<T> {
    const url = URLExt.join(this.settings.baseUrl, 'mlkit', route);
    const init: RequestInit =
      body === undefined ? { method: 'GET' } : { method: 'POST', body: JSON.stringify(body) };
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this.settings);
    } catch (error) {
      throw new Error(`the lab server did not answer (${String(error)})`);
    }
    const text = await response.text();
    let data: any = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const message =
        data && typeof data.message === 'string'
          ? data.message
          : `${response.status} ${response.statusText}`;
      if (response.status === 404 && !(data && data.message)) {
        throw new Error(
          'the mlkit server extension is not enabled in this lab (jupyter server extension list ' +
            'should show jupyter_mlkit.serverext); reinstall the kit'
        );
      }
      throw new Error(message);
    }
    return data as T;
  }
}
