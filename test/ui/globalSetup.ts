/** `npm run test:ui` fails at once, before starting any server, when there is no Chromium. */
import { chromiumExecutable } from './chromium';

export default function globalSetup(): void {
  chromiumExecutable();
}
