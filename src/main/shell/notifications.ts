/** Native desktop notifications for the core's 'popup' rows; a click opens the related page. */
import { Notification, type NativeImage } from 'electron';
import type { NotificationRow } from '../../shared/entities.js';
import { notificationContent, routeForActionUrl } from './notification-route.js';
import type { Lang } from './strings.js';

export class NativeNotifier {
  // Electron drops click handlers of notifications that were garbage-collected: keep them, with
  // their school, so a removed school's pop-ups leave the screen with it.
  private readonly live = new Map<Notification, number>();

  constructor(
    private readonly onOpen: (route: string) => void,
    private readonly icon?: NativeImage,
  ) {}

  show(row: NotificationRow, lang: Lang, timeZone: string | null): void {
    if (!Notification.isSupported()) return;
    const n = new Notification({
      ...notificationContent(row, lang, timeZone),
      ...(this.icon ? { icon: this.icon } : {}),
    });
    const route = routeForActionUrl(row.action_url);
    this.live.set(n, row.school_id);
    n.on('click', () => {
      this.live.delete(n);
      this.onOpen(route);
    });
    n.on('close', () => this.live.delete(n));
    n.show();
    // Notifications the user never touches: let them go after a while.
    setTimeout(() => this.live.delete(n), 10 * 60_000).unref();
  }

  /** Closes the pop-ups of a school that was just removed from this device: their pages are gone. */
  closeSchool(schoolId: number): void {
    for (const [n, school] of this.live) {
      if (school !== schoolId) continue;
      this.live.delete(n);
      n.close();
    }
  }
}
