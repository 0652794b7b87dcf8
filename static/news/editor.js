/* News editor: a toolbar that wraps the selected text of the body textarea in HTML tags.
   The live preview is fed by htmx (hx-post on the textarea); after each edit we fire an
   "input" event so the preview refreshes. The server sanitises everything on save. */
(function () {
  "use strict";

  var WRAPS = {
    bold: ["<strong>", "</strong>"],
    italic: ["<em>", "</em>"],
    paragraph: ["<p>", "</p>"],
    heading: ["<h2>", "</h2>"],
    quote: ["<blockquote>", "</blockquote>"]
  };

  function escapeAttr(value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function listOf(text, tag) {
    var items = text.split(/\r?\n/).filter(function (line) {
      return line.trim() !== "";
    });
    if (!items.length) {
      items = [""];
    }
    return "<" + tag + ">\n" + items.map(function (line) {
      return "  <li>" + line.trim() + "</li>";
    }).join("\n") + "\n</" + tag + ">";
  }

  function apply(textarea, cmd, button) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var value = textarea.value;
    var selected = value.slice(start, end);
    var replacement;
    if (WRAPS[cmd]) {
      replacement = WRAPS[cmd][0] + selected + WRAPS[cmd][1];
    } else if (cmd === "ul" || cmd === "ol") {
      replacement = listOf(selected, cmd);
    } else if (cmd === "link") {
      var url = window.prompt(button.getAttribute("data-prompt") || "URL", "https://");
      if (!url || !/^(https?:\/\/|mailto:|\/)/i.test(url.trim())) {
        return;
      }
      replacement = '<a href="' + escapeAttr(url.trim()) + '">' + (selected || url.trim()) + "</a>";
    } else {
      return;
    }
    textarea.value = value.slice(0, start) + replacement + value.slice(end);
    textarea.focus();
    textarea.setSelectionRange(start, start + replacement.length);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-editor-for] [data-cmd]");
    if (!button) {
      return;
    }
    var toolbar = button.closest("[data-editor-for]");
    var textarea = document.getElementById(toolbar.getAttribute("data-editor-for"));
    if (textarea) {
      event.preventDefault();
      apply(textarea, button.getAttribute("data-cmd"), button);
    }
  });

  /* Keyboard shortcuts inside the textarea: Ctrl/Cmd+B, Ctrl/Cmd+I. */
  document.addEventListener("keydown", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches("textarea.news-editor-textarea")) {
      return;
    }
    if (!(event.ctrlKey || event.metaKey)) {
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "b" || key === "i") {
      event.preventDefault();
      apply(textarea, key === "b" ? "bold" : "italic", textarea);
    }
  });
})();
