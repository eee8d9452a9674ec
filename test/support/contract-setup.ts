import { checkFetchedAnswers } from './contract.ts';

// Every answer a test fetches from a local Tessera server is checked against the OpenAPI document.
checkFetchedAnswers();
