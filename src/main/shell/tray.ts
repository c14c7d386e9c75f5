/** The system tray: the icon with the unread count, a tooltip, and the menu (tray-menu.ts). */
import { Menu, Tray } from 'electron';
import { trayIcon } from './icons.js';
import { badgeText, trayMenuTemplate, trayTooltip, type TrayActions, type TrayState } from './tray-menu.js';

export class AppTray {
  private readonly tray: Tray;
  private badge: string | undefined;
  private menuKey = '';

  constructor(
    private readonly platform: NodeJS.Platform,
    private readonly actions: TrayActions,
    initial: TrayState,
  ) {
    this.badge = badgeText(initial.unread);
    this.tray = new Tray(trayIcon(platform, this.badge));
    // Windows and most Linux trays: a left click opens the window; the menu is on right click.
    this.tray.on('click', () => actions.open());
    this.update(initial);
  }

  update(state: TrayState): void {
    if (this.tray.isDestroyed()) return;
    const badge = state.signedIn ? badgeText(state.unread) : '';
    if (badge !== this.badge) {
      this.badge = badge;
      if (this.platform !== 'darwin') this.tray.setImage(trayIcon(this.platform, badge));
    }
    if (this.platform === 'darwin') this.tray.setTitle(badge);
    this.tray.setToolTip(trayTooltip(state));
    const template = trayMenuTemplate(state, this.actions);
    const key = JSON.stringify(template.map((i) => [i.id, i.label, i.enabled]));
    if (key !== this.menuKey) {
      this.menuKey = key;
      this.tray.setContextMenu(Menu.buildFromTemplate(template));
    }
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }
}
