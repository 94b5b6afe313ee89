import { Component, type ReactNode } from 'react';
import i18n from '../i18n';

/** A screen that fails to render says so, in the person's language, instead of leaving an empty page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="error-box" data-testid="screen-failed">
        <p>{i18n.t('common.screenFailed')}</p>
        <p>
          <code>{this.state.error.message}</code>
        </p>
      </div>
    );
  }
}
