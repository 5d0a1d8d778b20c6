import Foundation

/// What the page measures of itself, by scripts run through WebDriver: text boxes that
/// overlap or are cut off, the views behind the navigation, the network entries and the
/// sortable tables' columns.
enum BrowserProbes {
    /// One text that overlaps another, or is cut off by what holds it.
    struct Finding: Decodable, CustomStringConvertible {
        let text: String
        let other: String?
        let by: String?
        var description: String {
            other.map { "“\(text)” overlaps “\($0)”" } ?? "“\(text)” is clipped by its \(by ?? "container")"
        }
    }

    /// One view (the header block or a `<section>`): its texts, overlaps and clipped texts.
    struct Layout: Decodable {
        let id: String
        let texts: Int
        let overlaps: [Finding]
        let clipped: [Finding]
    }

    /// One link of the navigation and the section it points at.
    struct NavigationTarget: Decodable {
        let id: String
        let exists: Bool
        /// Drawn marks (rects, circles, polygons, paths, polylines of non-zero size) in the section's charts.
        let marks: Int
        /// Body rows of the section's tables and items of its lists.
        let rows: Int
        /// `p.note` paragraphs: the sentence a view shows when it has nothing to draw.
        let notes: Int
    }

    /// Every text of every view, measured in the page (CSS pixels):
    ///
    /// - SVG `text` by `getBoundingClientRect` (its glyph box; rotated text by its bounding box),
    ///   clipped when it leaves its `<svg>` or its view;
    /// - HTML text by the client rects of each text node (one per line), clipped when it leaves its
    ///   view or the nearest box that hides overflow, unless that box scrolls (a table that scrolls
    ///   shows the rest when scrolled) — in print nothing scrolls, so there every such box clips;
    /// - two boxes overlap when they share more than `2 · tolerance` pixels both ways.
    ///
    /// `arguments`: the tolerance (pixels), whether the page is laid out for print.
    static let layout = """
        var tol = arguments[0], print = arguments[1];
        function within(inner, outer) {
          return inner.left >= outer.left - tol && inner.right <= outer.right + tol &&
                 inner.top >= outer.top - tol && inner.bottom <= outer.bottom + tol;
        }
        function overlap(a, b) {
          return Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 * tol &&
                 Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2 * tol;
        }
        var clippers = new Map();
        function clipper(el, stop) {
          if (clippers.has(el)) return clippers.get(el);
          var found = null;
          for (var e = el; e && e !== stop; e = e.parentElement) {
            var s = getComputedStyle(e);
            if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
              var scrolls = !print && /auto|scroll/.test(s.overflowX + s.overflowY) &&
                (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
              found = {el: e, scrolls: scrolls};
              break;
            }
          }
          clippers.set(el, found);
          return found;
        }
        function name(e) { return e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined && e.className ? '.' + e.className : ''); }
        function label(s) { s = s.replace(/\\s+/g, ' ').trim(); return s.length > 90 ? s.slice(0, 87) + '...' : s; }
        var views = Array.prototype.slice.call(document.querySelectorAll('body > main > header, body > main > section'));
        return views.map(function (view) {
          var vr = view.getBoundingClientRect();
          var items = [];
          view.querySelectorAll('svg text').forEach(function (t) {
            if (!t.checkVisibility({visibilityProperty: true})) return;
            var r = t.getBoundingClientRect();
            if (r.width <= 0 || r.height <= 0) return;
            var own = Array.prototype.filter.call(t.childNodes, function (c) { return c.nodeName.toLowerCase() !== 'title'; })
              .map(function (c) { return c.textContent; }).join('');
            var c = clipper(t.ownerSVGElement.parentElement, view);
            items.push({text: label(own), r: r, boxes: [t.ownerSVGElement.getBoundingClientRect()], names: ['svg'],
                        scrolls: !!(c && c.scrolls)});
          });
          var walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT, null);
          var range = document.createRange();
          for (var n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.nodeValue.trim()) continue;
            var p = n.parentElement;
            if (p.closest('svg, script, style, title')) continue;
            if (!p.checkVisibility({contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true})) continue;
            range.selectNodeContents(n);
            var c = clipper(p, view);
            Array.prototype.forEach.call(range.getClientRects(), function (r) {
              if (r.width <= 0 || r.height <= 0) return;
              items.push({text: label(n.nodeValue), r: r, scrolls: !!(c && c.scrolls),
                          boxes: c && !c.scrolls ? [c.el.getBoundingClientRect()] : [],
                          names: c && !c.scrolls ? [name(c.el)] : []});
            });
          }
          var overlaps = [], clipped = [];
          items.sort(function (a, b) { return a.r.top - b.r.top; });
          for (var i = 0; i < items.length; i++) {
            var a = items[i];
            if (!a.scrolls && !within(a.r, vr)) clipped.push({text: a.text, by: 'card (#' + (view.id || 'header') + ')'});
            else for (var k = 0; k < a.boxes.length; k++) {
              if (!within(a.r, a.boxes[k])) { clipped.push({text: a.text, by: a.names[k]}); break; }
            }
            for (var j = i + 1; j < items.length && items[j].r.top < a.r.bottom - 2 * tol; j++) {
              if (overlap(a.r, items[j].r)) overlaps.push({text: a.text, other: items[j].text});
            }
          }
          return {id: view.id || 'header', texts: items.length, overlaps: overlaps, clipped: clipped};
        });
        """

    /// The navigation's links and, for each, what its section holds.
    static let navigation = """
        return Array.prototype.map.call(document.querySelectorAll('nav a[href^="#"]'), function (a) {
          var id = a.getAttribute('href').slice(1), s = document.getElementById(id);
          if (!s) return {id: id, exists: false, marks: 0, rows: 0, notes: 0};
          var marks = Array.prototype.filter.call(s.querySelectorAll('svg rect, svg circle, svg polygon, svg path, svg polyline'),
            function (m) { var b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;
          return {id: id, exists: s.tagName === 'SECTION', marks: marks,
                  rows: s.querySelectorAll('table tbody tr, ol li, ul li').length, notes: s.querySelectorAll('p.note').length};
        });
        """

    /// After a click on a link: where the page went (`hash`), where the section's top is, and whether
    /// the page is scrolled to its end (a section near the end cannot reach the top of the window).
    static let anchor = """
        var s = document.getElementById(arguments[0]);
        var end = Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight - 1;
        return {hash: location.hash, top: s ? s.getBoundingClientRect().top : null, atEnd: end, scrollY: window.scrollY};
        """

    /// Every URL the page loaded or asked for (navigation and resource timing entries), and the
    /// attributes in the document that would fetch something (`src`, `<link href>`, CSS `url(`).
    static let network = """
        var urls = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
          .map(function (e) { return e.name; });
        document.querySelectorAll('[src], link[href], [srcset], [poster], object[data]').forEach(function (e) {
          urls.push(e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('srcset') || e.getAttribute('poster') || e.getAttribute('data'));
        });
        document.querySelectorAll('style').forEach(function (s) {
          (s.textContent.match(/url\\([^)]*\\)|@import[^;]*/g) || []).forEach(function (u) { urls.push(u); });
        });
        return urls;
        """

    /// The header cells of sortable table `arguments[0]` (index in `table.sortable`): label and type.
    static let sortableHeaders = """
        var t = document.querySelectorAll('table.sortable')[arguments[0]];
        return Array.prototype.map.call(t.tHead.rows[0].cells, function (th) {
          return {label: th.textContent.trim(), numeric: th.getAttribute('data-type') === 'num', sort: th.getAttribute('aria-sort') || ''};
        });
        """

    /// Column `arguments[1]` of sortable table `arguments[0]`, top to bottom: each cell's number
    /// (`data-v`, null when missing) or text; and, for text columns, the cells in the order the
    /// browser's collation (`localeCompare`, numeric) puts them.
    static let sortableColumn = """
        var t = document.querySelectorAll('table.sortable')[arguments[0]], col = arguments[1];
        var numeric = t.tHead.rows[0].cells[col].getAttribute('data-type') === 'num';
        var cells = Array.prototype.map.call(t.tBodies[0].rows, function (row) { return row.cells[col]; });
        var values = cells.map(function (c) {
          if (!numeric) return c.textContent.trim();
          var v = parseFloat(c.getAttribute('data-v'));
          return isNaN(v) ? null : v;
        });
        var collated = numeric ? [] : values.slice().sort(function (a, b) { return a.localeCompare(b, undefined, {numeric: true}); });
        return {values: values, collated: collated, sort: t.tHead.rows[0].cells[col].getAttribute('aria-sort') || ''};
        """
}
