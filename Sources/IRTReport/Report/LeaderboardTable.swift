import Foundation
import IRTModel

/// The leaderboard as a sortable HTML table (rank, its 95% interval, p_best,
/// run, extra columns, held-out metrics, aggregate ± sd, coverage, θ_1…θ_k),
/// baselines highlighted.
enum LeaderboardTable {
    static func title(_ r: AnalysisResult) -> String {
        let baselines = r.leaderboard.filter(\.isBaseline).count
        var s = "Leaderboard: \(r.leaderboard.count) runs ranked by the aggregate of \(r.k) factor "
            + (r.k == 1 ? "score" : "scores")
        if baselines > 0 { s += " (\(baselines) \(baselines == 1 ? "baseline" : "baselines") highlighted)" }
        return s
    }

    static func caption(_ r: AnalysisResult) -> String {
        """
        Runs ranked by the aggregate, \(r.aggregateDefinition.map { $0.kind == .mean ? "the mean of the factor scores θ" : $0.formula } ?? "the mean of the factor scores θ") (higher = better; scores are in standard \
        units across the sweep, so 1 is one standard deviation above the average run). Baselines are highlighted \
        and starred. Held-out metrics are \
        shown as they are in the file (for a loss, lower is better). "± sd", "rank 95%" (the interval of the \
        run's rank over joint draws of every run's aggregate) and p_best (the share of draws in which it ranked \
        first) come from \(UncertaintyWording.source(r)). \(UncertaintyWording.notIncluded(r)) \
        Coverage is the share of tasks the run was observed on. Click a column header to sort by it; click \
        again to reverse.
        """
    }

    private static func numberCell(_ v: Double?, decimals: Int) -> String {
        guard let v, v.isFinite else { return "<td class=\"num missing\" data-v=\"\"></td>" }
        return "<td class=\"num\" data-v=\"\(v)\">\(NumberFormat.fixed(v, decimals: decimals))</td>"
    }

    private static func header(_ label: String, numeric: Bool, tip: String? = nil) -> String {
        let t = tip.map { " title=\"\(HTMLEscaping.escape($0))\"" } ?? ""
        // Long metric names may break after a slash rather than widen the table.
        let text = HTMLEscaping.escape(label).replacingOccurrences(of: "/", with: "/<wbr>")
            .replacingOccurrences(of: "_", with: "_<wbr>")
        return "<th scope=\"col\" data-type=\"\(numeric ? "num" : "text")\"\(t)>\(text)</th>"
    }

    static func html(_ r: AnalysisResult) -> String {
        var out = "<div class=\"table-wrap\"><table class=\"sortable leaderboard\">\n<thead>\n<tr>"
        out += header("rank", numeric: true)
        out += header("rank 95%", numeric: true, tip: "95% interval of the rank (see the caption for what it includes)")
        out += header("p_best", numeric: true, tip: "probability of ranking first (see the caption for what it includes)")
        out += header("run_name", numeric: false)
        for name in r.leaderboardExtra { out += header(name, numeric: false) }
        for name in r.leaderboardHeldOut { out += header(name, numeric: true, tip: "held-out metric") }
        out += header("aggregate", numeric: true, tip: r.aggregateDefinition.map { $0.kind == .mean ? "mean of θ1…θ\(r.k)" : $0.formula } ?? "mean of θ1…θ\(r.k)")
        out += header("± sd", numeric: true, tip: UncertaintyWording.sdTip(r))
        out += header("coverage", numeric: true, tip: "share of tasks observed")
        for j in 0..<r.k {
            let label = j < r.factorLabels.count ? r.factorLabels[j] : "factor \(j + 1)"
            out += header("θ\(j + 1)", numeric: true, tip: "factor \(j + 1) score: \(label)")
        }
        out += "</tr>\n</thead>\n<tbody>\n"
        for e in r.leaderboard {
            out += e.isBaseline ? "<tr class=\"baseline\">" : "<tr>"
            out += "<td class=\"num\" data-v=\"\(e.rank)\">\(e.rank)</td>"
            let interval = e.rankInterval.count == 2 ? "\(e.rankInterval[0])–\(e.rankInterval[1])" : ""
            out += "<td class=\"num\" data-v=\"\(e.rankInterval.last ?? 0)\">\(interval)</td>"
            out += numberCell(e.pBest, decimals: 3)
            out += "<td class=\"run\">\(HTMLEscaping.escape(e.runName))"
                + (e.isBaseline ? " <span class=\"tag\" title=\"baseline\">★</span>" : "") + "</td>"
            for m in r.leaderboardExtra.indices {
                out += "<td>\(HTMLEscaping.escape(m < e.extra.count ? e.extra[m] : ""))</td>"
            }
            for m in r.leaderboardHeldOut.indices { out += numberCell(m < e.heldOut.count ? e.heldOut[m] : nil, decimals: 4) }
            out += numberCell(e.aggregate, decimals: 3)
            out += numberCell(e.aggregateSD, decimals: 3)
            out += numberCell(e.coverage, decimals: 2)
            for j in 0..<r.k { out += numberCell(j < e.theta.count ? e.theta[j] : nil, decimals: 3) }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table></div>"
        return out
    }

    /// Sorts a `table.sortable` by the clicked header: numbers by `data-v`
    /// (missing last), text by locale; a second click reverses. No data inside.
    static let script = """
        (function () {
          function key(cell, numeric) {
            if (!numeric) return cell.textContent.trim();
            var v = parseFloat(cell.getAttribute('data-v'));
            return isNaN(v) ? null : v;
          }
          document.querySelectorAll('table.sortable').forEach(function (table) {
            var heads = table.tHead.rows[0].cells;
            Array.prototype.forEach.call(heads, function (th, col) {
              th.tabIndex = 0;
              function sort() {
                var numeric = th.getAttribute('data-type') === 'num';
                var current = th.getAttribute('aria-sort');
                var descending = current ? current === 'ascending' : numeric;
                Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
                th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
                  if (x === null) return y === null ? 0 : 1;
                  if (y === null) return -1;
                  var c = numeric ? x - y : String(x).localeCompare(String(y), undefined, {numeric: true});
                  return descending ? -c : c;
                });
                rows.forEach(function (row) { body.appendChild(row); });
              }
              th.addEventListener('click', sort);
              th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
            });
          });
        })();
        """
}
