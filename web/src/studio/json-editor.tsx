/**
 * The definition's JSON in CodeMirror 6: JSON syntax, completion and hover documentation from
 * `bundle.schema.json` (codemirror-json-schema), and the lint issues of `POST /definitions/validate`
 * marked at their JSON paths (underlined, in the gutter), replaced whenever they change.
 */
import { autocompletion } from '@codemirror/autocomplete';
import { json, jsonLanguage } from '@codemirror/lang-json';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, hoverTooltip } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { getJsonPointers, jsonCompletion, jsonSchemaHover, stateExtensions } from 'codemirror-json-schema';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { config } from '../config';

/** codemirror-json-schema's name for plain JSON (its MODES.JSON, not exported). */
const JSON_MODE = 'json4' as Parameters<typeof getJsonPointers>[1];

export interface Issue {
  path: string;
  code: string;
  message: string;
  hint?: string;
  severity: 'error' | 'warning';
}

export interface JsonEditorHandle {
  /** Moves the cursor to a JSON path and scrolls it into view. */
  reveal(path: string): void;
}

interface Props {
  /** The text to start from; a new value replaces the document. */
  initial: string;
  schema?: object;
  issues: Issue[];
  label: string;
  onChange(text: string): void;
}

/** Where a JSON path is in the document: the path itself, else its nearest ancestor that exists. */
export function rangeOf(state: EditorState, path: string): { from: number; to: number } {
  const pointers = getJsonPointers(state, JSON_MODE);
  for (let parts = path.split('/'); parts.length > 0; parts = parts.slice(0, -1)) {
    const found = pointers.get(parts.join('/') || '');
    if (found) return 'valueFrom' in found ? { from: found.keyFrom, to: found.valueTo } : { from: found.keyFrom, to: found.keyTo };
  }
  return { from: 0, to: Math.min(1, state.doc.length) };
}

export const JsonEditor = forwardRef<JsonEditorHandle, Props>(function JsonEditor({ initial, schema, issues, label, onChange }, handle) {
  const parent = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  const changed = useRef(onChange);
  changed.current = onChange;
  const { t, i18n } = useTranslation();
  // CodeMirror's own words (search panel, lint panel) in the person's language.
  const phrases = t('codemirror', { returnObjects: true }) as Record<string, string>;

  useEffect(() => {
    const editor = new EditorView({
      parent: parent.current!,
      state: EditorState.create({
        doc: initial,
        extensions: [
          basicSetup,
          // Its styles go into one style element, which the page's CSP allows by this nonce only.
          ...(config.styleNonce ? [EditorView.cspNonce.of(config.styleNonce)] : []),
          EditorState.phrases.of(phrases),
          json(),
          lintGutter(),
          EditorView.lineWrapping,
          // In the tab order by name (axe does not count contenteditable as focusable, so its scroller would be unreachable).
          EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
          }),
          ...(schema
            ? [
                jsonLanguage.data.of({ autocomplete: jsonCompletion() }),
                autocompletion(),
                hoverTooltip(jsonSchemaHover()),
                stateExtensions(schema as never),
              ]
            : []),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // A new starting text, schema or language makes a new editor; the label is fixed per page.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial, schema, i18n.language]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const diagnostics: Diagnostic[] = issues.map((issue) => ({
      ...rangeOf(editor.state, issue.path),
      severity: issue.severity,
      message: `${issue.path} ${issue.message}${issue.hint ? ` — ${issue.hint}` : ''}`,
      source: issue.code,
    }));
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [issues, initial, schema, i18n.language]);

  useImperativeHandle(handle, () => ({
    reveal(path: string) {
      const editor = view.current;
      if (!editor) return;
      const { from } = rangeOf(editor.state, path);
      editor.dispatch({ selection: { anchor: from }, effects: EditorView.scrollIntoView(from, { y: 'center' }) });
      editor.focus();
    },
  }));

  return <div ref={parent} className="json-editor" />;
});
