// The pane's API client is the one the web app uses too.
export { Api, ApiError, NetworkError, type ProblemBody, type Response } from '../../../web-shared/api-client.ts';
