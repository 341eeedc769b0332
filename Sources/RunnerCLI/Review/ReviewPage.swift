/// The review room's page and its style: plain HTML and CSS served by shotrunner itself (no CDN, no build step,
/// works offline). Everything it shows comes from `/api/board` and is put on the page as text, never as HTML.
enum ReviewPage {
    /// The page, carrying the token its changes must send (`X-Review-Token`).
    static func html(pageToken: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="review-token" content="\(pageToken)">
        <title>shotrunner review</title>
        <link rel="stylesheet" href="/app.css">
        </head>
        <body>
        <header>
          <h1>Review</h1>
          <span id="progress" aria-live="polite"></span>
          <span id="spend"></span>
          <nav id="filters" aria-label="Filter">
            <button data-filter="all" aria-pressed="true">All</button>
            <button data-filter="review" aria-pressed="false">Needs review</button>
            <button data-filter="approved" aria-pressed="false">Approved</button>
            <button data-filter="retake" aria-pressed="false">Retake</button>
            <button data-filter="failed" aria-pressed="false">Failed</button>
          </nav>
          <button data-action="assemble" title="Assemble the cut from the current picks">Assemble the cut</button>
          <button id="help-button" title="Keys (?)">?</button>
        </header>
        <main id="board" aria-label="Shots"></main>
        <section id="cut" hidden>
          <h2>The cut</h2>
          <video id="cut-video" controls preload="metadata"></video>
          <p id="cut-files"></p>
        </section>
        <div id="context" hidden><video id="context-video" preload="auto"></video><button id="context-close">Close</button></div>
        <aside id="help" hidden>
          <h2>Keys</h2>
          <dl>
            <dt>&uarr; &darr;</dt><dd>previous / next shot</dd>
            <dt>&larr; &rarr;</dt><dd>previous / next take of the shot</dd>
            <dt>space, K</dt><dd>play / pause</dd>
            <dt>J, L</dt><dd>back two seconds / play (again: faster)</dd>
            <dt>, .</dt><dd>one frame back / forward</dd>
            <dt>1&ndash;9</dt><dd>pick that take for the cut</dd>
            <dt>A</dt><dd>approve the current take</dd>
            <dt>R</dt><dd>ask for a retake of the shot (with a note)</dd>
            <dt>N</dt><dd>add a note to the current take</dd>
            <dt>C</dt><dd>play the take in context (the shots around it)</dd>
            <dt>U</dt><dd>undo the last decision</dd>
            <dt>?</dt><dd>show or hide these keys</dd>
          </dl>
        </aside>
        <dialog id="note-dialog">
          <form method="dialog">
            <label><span id="note-label">Note</span><textarea id="note-text" rows="3" cols="50"></textarea></label>
            <menu><button value="ok" id="note-ok">Save</button><button value="cancel">Cancel</button></menu>
          </form>
        </dialog>
        <div id="toast" role="status" aria-live="polite"></div>
        <script src="/app.js"></script>
        </body>
        </html>
        """
    }

    static let css = """
        :root { color-scheme: dark; --bg: #15171a; --panel: #1f2226; --line: #343a40; --text: #e8e8e8; --dim: #9aa0a6; --accent: #f0b429; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--text); }
        header { position: sticky; top: 0; z-index: 2; display: flex; gap: 12px; align-items: center; flex-wrap: wrap;
          padding: 8px 16px; background: #101214; border-bottom: 1px solid var(--line); }
        header h1 { font-size: 16px; margin: 0 8px 0 0; }
        #progress, #spend { color: var(--dim); }
        button { background: var(--panel); color: var(--text); border: 1px solid var(--line); border-radius: 4px; padding: 4px 10px; cursor: pointer; }
        button[aria-pressed="true"] { border-color: var(--accent); color: var(--accent); }
        main { padding: 8px 16px 48px; }
        .scene { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 8px; align-items: start; }
        .scene > h2 { grid-column: 1 / -1; font-size: 13px; text-transform: uppercase; letter-spacing: .08em; color: var(--dim); margin: 18px 0 0; }
        .shot { border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: var(--panel); min-width: 0; }
        .shot.multi { grid-column: span 2; }
        .shot[aria-current="true"] { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent); }
        .shot > h3 { margin: 0 0 6px; font-size: 14px; }
        .takes { display: flex; gap: 10px; overflow-x: auto; }
        .take { flex: 1 0 320px; border: 1px solid var(--line); border-radius: 4px; padding: 6px; background: #191b1e; }
        .take[aria-selected="true"] { border-color: #7ab8ff; }
        .take video, .take img { width: 100%; max-height: 200px; background: #000; object-fit: contain; display: block; }
        .take audio { width: 100%; }
        .badges { display: flex; gap: 6px; flex-wrap: wrap; margin: 4px 0; }
        .badge { font-size: 11px; padding: 1px 6px; border-radius: 8px; border: 1px solid var(--line); color: var(--dim); }
        .badge.state-completed { color: #8fd18f; } .badge.state-failed, .badge.state-blocked, .badge.state-expired { color: #ff8a80; }
        .badge.picked { color: var(--accent); border-color: var(--accent); } .badge.approved { color: #8fd18f; border-color: #8fd18f; }
        .badge.retake { color: #ffb74d; border-color: #ffb74d; }
        .prompt { white-space: pre-wrap; margin: 4px 0; }
        .meta, .inputs, .wait, .notes { color: var(--dim); font-size: 12px; margin: 2px 0; }
        .take .inputs img { width: auto; height: 48px; max-height: none; margin-right: 4px; vertical-align: middle; display: inline-block; background: none; }
        .error { color: #ff8a80; font-size: 12px; }
        .actions { display: flex; gap: 4px; margin-top: 4px; flex-wrap: wrap; }
        [hidden] { display: none !important; }
        #help { position: fixed; right: 16px; top: 56px; z-index: 3; background: var(--panel); border: 1px solid var(--line); padding: 12px 16px; border-radius: 6px; }
        #help dt { float: left; width: 80px; color: var(--accent); } #help dd { margin: 0 0 4px 90px; }
        #cut { padding: 8px 16px; border-top: 1px solid var(--line); } #cut video { max-width: 720px; width: 100%; }
        #context { position: fixed; inset: 10% 15%; z-index: 4; background: #000; display: flex; flex-direction: column; }
        #context video { flex: 1; width: 100%; }
        #toast { position: fixed; bottom: 12px; left: 16px; color: var(--accent); }
        dialog { background: var(--panel); color: var(--text); border: 1px solid var(--line); }
        dialog label { display: flex; flex-direction: column; gap: 4px; }
        """
}
