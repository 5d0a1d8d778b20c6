import Foundation
import Testing
@testable import IRTCommandLine

/// The report as people see it: each report of ``BrowserReport/all`` rendered by `irt-report`,
/// opened from its file in headless Chromium (driven through chromedriver) and read at the widths
/// people use and in print layout.
///
/// Skipped, saying why, only where Chromium or chromedriver is not installed and this is not CI
/// (`scripts/install-deps` installs Debian's `chromium` and `chromium-driver`; CI runs it first).
/// With `IRT_BROWSER_COUNTS` set, it prints the overlaps and clipped texts of every view and layout.
@Suite("Report in a browser", .serialized,
       .enabled(if: BrowserTools.shouldRun,
                "chromium and chromedriver are not installed (scripts/install-deps installs them), so the report is not checked in a browser"))
struct BrowserReportTests {
    /// Screen widths (CSS pixels) and the print layout: the printable width of A4 with 1 cm margins.
    static let layouts: [(name: String, width: Int, print: Bool)] = [
        ("1280 px", 1280, false), ("1440 px", 1440, false), ("1920 px", 1920, false), ("print (A4)", 718, true),
    ]

    /// Two text boxes may share up to 2 px each way (anti-aliasing, glyph boxes that touch).
    static let tolerance = 1.0

    @Test("Read in Chromium: no text overlapping or clipped, every view there and linked, no console error or request, tables sort",
          arguments: BrowserReport.all)
    func report(_ report: BrowserReport) throws {
        let tools = try #require(BrowserTools.found, "CI must check the report in a browser: install chromium and chromium-driver")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("irt-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = try Self.render(report, in: dir)

        let browser = try WebDriver.start(tools)
        do {
            for layout in Self.layouts {
                try browser.emulate(width: layout.width, height: 1000, print: layout.print)
                try browser.navigate(to: page)
                try checkLayout(browser, report, layout.name, forPrint: layout.print)
                if layout.width == 1440 {
                    try checkNavigation(browser, report)
                    try checkSortableTables(browser, report)
                }
                try checkConsoleAndNetwork(browser, report, layout.name)
            }
        } catch {
            browser.stop()
            throw error
        }
        browser.stop()
    }

    /// Runs `irt-report` in-process with the report's arguments; returns index.html's URL.
    static func render(_ report: BrowserReport, in dir: URL) throws -> URL {
        let out = dir.appendingPathComponent("out")
        let arguments = try report.arguments(dir) + ["--out", out.path, "-q"]
        let code = IRTReportTool.exitCode(running: arguments)
        guard code == 0 else {
            throw WebDriverError(description: "irt-report \(arguments.joined(separator: " ")) exited \(code)")
        }
        return out.appendingPathComponent("index.html")
    }

    private func checkLayout(_ browser: WebDriver, _ report: BrowserReport, _ layout: String, forPrint: Bool) throws {
        let json = try browser.execute(BrowserProbes.layout, [Self.tolerance, forPrint])
        let views = try JSONDecoder().decode([BrowserProbes.Layout].self,
                                             from: JSONSerialization.data(withJSONObject: json))
        #expect(views.count >= 5, "\(report), \(layout): the page has \(views.count) views")
        for view in views {
            #expect(view.texts > 0, "\(report), \(layout), #\(view.id): no text measured")
            #expect(view.overlaps.isEmpty, """
                \(report), \(layout), #\(view.id): \(view.overlaps.count) overlapping text pair(s), e.g. \
                \(view.overlaps.prefix(3).map(\.description).joined(separator: "; "))
                """)
            #expect(view.clipped.isEmpty, """
                \(report), \(layout), #\(view.id): \(view.clipped.count) clipped text(s), e.g. \
                \(view.clipped.prefix(3).map(\.description).joined(separator: "; "))
                """)
        }
        if ProcessInfo.processInfo.environment["IRT_BROWSER_COUNTS"] != nil {
            let counts = views.map { "\($0.id) \($0.overlaps.count)/\($0.clipped.count)" }.joined(separator: ", ")
            print("browser: \(report), \(layout): overlaps/clipped per view: \(counts)")
        }
    }

    private func checkNavigation(_ browser: WebDriver, _ report: BrowserReport) throws {
        let json = try browser.execute(BrowserProbes.navigation)
        let targets = try JSONDecoder().decode([BrowserProbes.NavigationTarget].self,
                                               from: JSONSerialization.data(withJSONObject: json))
        #expect(targets.count >= 4, "\(report): the navigation has \(targets.count) links")
        let links = try browser.elements("nav a[href^=\"#\"]")
        #expect(links.count == targets.count)
        for (target, link) in zip(targets, links) {
            #expect(target.exists, "\(report): the navigation links #\(target.id), which is not a section of the page")
            guard target.exists else { continue }
            if report.noteOnly.contains(target.id) {
                #expect(target.marks + target.rows > 0 || target.notes > 0,
                        "\(report), #\(target.id): neither a chart nor a sentence saying why there is none")
            } else {
                #expect(target.marks + target.rows > 0, "\(report), #\(target.id): the view has no chart or table")
            }
            _ = try browser.execute("window.scrollTo(0, 0); history.replaceState(null, '', ' ');")
            try browser.click(element: link)
            let landed = try browser.execute(BrowserProbes.anchor, [target.id]) as? [String: Any] ?? [:]
            let top = landed["top"] as? Double ?? .nan, atEnd = landed["atEnd"] as? Bool ?? false
            #expect(landed["hash"] as? String == "#\(target.id)", "\(report): the link to #\(target.id) went to \(landed["hash"] ?? "nowhere")")
            #expect(abs(top) <= 2 || (atEnd && top > 0), "\(report): after its link, #\(target.id) starts at y = \(top), not at the top of the window")
        }
    }

    private func checkSortableTables(_ browser: WebDriver, _ report: BrowserReport) throws {
        let widths = try browser.execute(
            "return Array.prototype.map.call(document.querySelectorAll('table.sortable'), function (t) { return t.tHead.rows[0].cells.length; })"
        ) as? [Int] ?? []
        let leaderboard = try browser.execute("return !!document.getElementById('leaderboard')") as? Bool ?? false
        #expect(widths.isEmpty != leaderboard, "\(report): \(widths.count) sortable table(s), leaderboard \(leaderboard ? "present" : "absent")")
        let cells = try browser.elements("table.sortable > thead > tr:first-child > th")
        #expect(cells.count == widths.reduce(0, +))
        var offset = 0
        for (t, width) in widths.enumerated() {
            defer { offset += width }
            let heads = try browser.execute(BrowserProbes.sortableHeaders, [t]) as? [[String: Any]] ?? []
            for (col, head) in heads.enumerated() where offset + col < cells.count {
                let numeric = head["numeric"] as? Bool ?? false, label = head["label"] as? String ?? "?"
                // A numeric column sorts descending first, text ascending; a second click reverses.
                for click in 0..<2 {
                    try browser.click(element: cells[offset + col])
                    let column = try browser.execute(BrowserProbes.sortableColumn, [t, col]) as? [String: Any] ?? [:]
                    let descending = numeric == (click == 0)
                    let order = descending ? "descending" : "ascending"
                    #expect(column["sort"] as? String == order,
                            "\(report): column \(label) after click \(click + 1) says aria-sort \(column["sort"] ?? "none")")
                    if numeric {
                        let values = (column["values"] as? [Any] ?? []).map { $0 as? Double }
                        #expect(values.count > 1 && Self.isSorted(values, descending: descending),
                                "\(report): column \(label) after click \(click + 1) is not in \(order) order (missing last)")
                    } else {
                        let values = column["values"] as? [String] ?? [], collated = column["collated"] as? [String] ?? []
                        #expect(values.count > 1 && values == (descending ? collated.reversed() : collated),
                                "\(report): column \(label) after click \(click + 1) is not in \(order) order")
                    }
                }
            }
        }
    }

    /// Whether `values` is monotone in the given direction with the missing ones (nil) at the end.
    static func isSorted(_ values: [Double?], descending: Bool) -> Bool {
        let present = values.prefix { $0 != nil }.map { $0! }
        guard values.dropFirst(present.count).allSatisfy({ $0 == nil }) else { return false }
        return zip(present, present.dropFirst()).allSatisfy { descending ? $0 >= $1 : $0 <= $1 }
    }

    private func checkConsoleAndNetwork(_ browser: WebDriver, _ report: BrowserReport, _ layout: String) throws {
        let errors = try browser.consoleLog().filter { $0.level == "SEVERE" || $0.level == "WARNING" }
        #expect(errors.isEmpty, "\(report), \(layout): console: \(errors.map(\.message).joined(separator: " | "))")
        let urls = try browser.execute(BrowserProbes.network) as? [String] ?? []
        let outside = urls.filter { !$0.hasPrefix("file:") && !$0.hasPrefix("data:") }
        #expect(outside.isEmpty, "\(report), \(layout): the page asks for \(outside.joined(separator: ", "))")
        #expect(urls.contains { $0.hasPrefix("file:") }, "\(report), \(layout): no navigation entry for the file itself")
    }
}
