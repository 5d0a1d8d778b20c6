import Foundation
import IRTModel
import IRTSampleData
import Testing
@testable import IRTReport
@testable import IRTCommandLine

// MARK: - Fixtures

/// The bundled sample (sweep + fixed-subset noise), with 50 Horn draws to keep the tests fast.
let sample: AnalysisResult = {
    do {
        return try Analysis(
            sweep: EvalMatrix(contentsOf: SampleData.sweep),
            noise: EvalMatrix(contentsOf: SampleData.fixedSubsetNoise),
            options: AnalysisOptions(draws: 50)
        ).run()
    } catch {
        fatalError("the sample analysis failed: \(error)")
    }
}()

let sampleHTML = HTMLReport.render(sample)

let hostileTask = "eval/paloma/<script>alert(1)</script>/bpb"
let hostileRun = "<b onmouseover='x'>\"evil\", run & co</b>"

/// A tiny sweep whose names try to break out of HTML and CSV: a task with a
/// script tag, a run name with markup, quotes, a comma and an ampersand; no
/// noise file and no held-out metric.
let hostile: AnalysisResult = {
    func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    let names = [hostileRun, "run_a", "run_b", "baseline_<i>x</i>", "run_c", "run_d", "run_e"]
    let ability = [1.2, -0.4, 0.3, -1.1, 0.8, -0.2, 0.5]
    let wiggle = [0.05, -0.03, 0.02, 0.04, -0.05, 0.01, -0.02]
    var csv = "run_name,status,\(hostileTask),eval/paloma/c4_en/bpb,eval/paloma/ptb/bpb\n"
    for (i, name) in names.enumerated() {
        // bpb: lower is better, so a higher ability gives a lower value.
        let a = ability[i], w = wiggle[i]
        csv += "\(quoted(name)),completed,\(1.5 - 0.10 * a + w),\(1.2 - 0.08 * a - w),\(1.9 - 0.12 * a + 0.5 * w)\n"
    }
    do {
        let sweep = try EvalMatrix(csv: csv, source: "hostile <sweep>.csv")
        return try Analysis(sweep: sweep, options: AnalysisOptions(draws: 20, fit: FitOptions(factors: 1)).withoutFitChecks).run()
    } catch {
        fatalError("the hostile analysis failed: \(error)")
    }
}()

/// The text of `<section id="id">…</section>`.
func section(_ html: String, _ id: String) -> String? {
    guard let start = html.range(of: "<section id=\"\(id)\">") else { return nil }
    guard let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex) else { return nil }
    return String(html[start.lowerBound..<end.upperBound])
}

func count(_ needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}

// MARK: - HTML report

@Suite("Report: HTML page")
struct HTMLReportTests {
    @Test("one <svg> per chart view, one per held-out metric in validation, none in the leaderboard")
    func svgPerView() throws {
        for id in ["scree", "loadings", "ceiling", "snr", "makeup"] {
            let s = try #require(section(sampleHTML, id), "missing section \(id)")
            #expect(count("<svg", in: s) == 1, "section \(id)")
            #expect(s.contains("<h2>"), "section \(id) has a title")
            #expect(s.contains("class=\"caption\""), "section \(id) has a caption")
            #expect(s.contains("<title>"), "section \(id) has tooltips")
            #expect(s.contains("class=\"axis-title\"") || id == "loadings", "section \(id) has axis labels")
        }
        let validation = try #require(section(sampleHTML, "validation"))
        #expect(sample.leaderboardHeldOut.count == 2)
        #expect(count("<svg", in: validation) == sample.leaderboardHeldOut.count)
        let leaderboard = try #require(section(sampleHTML, "leaderboard"))
        #expect(count("<svg", in: leaderboard) == 0)
        #expect(count("<svg", in: try #require(section(sampleHTML, "ranks"))) == 1)
        #expect(count("<svg", in: try #require(section(sampleHTML, "residuals"))) == 1)
        #expect(count("<svg", in: sampleHTML) == 8 + sample.leaderboardHeldOut.count)
    }

    @Test("the leaderboard has a header row and one row per run, baselines marked")
    func leaderboardRows() {
        let board = section(sampleHTML, "leaderboard") ?? ""
        #expect(count("<tr", in: board) == sample.nRuns + 1)
        #expect(count("<tr class=\"baseline\">", in: board) == sample.leaderboard.filter(\.isBaseline).count)
        #expect(count("<tr", in: section(HTMLReport.render(hostile), "leaderboard") ?? "") == hostile.nRuns + 1)
    }

    @Test("the page fetches nothing: no URL, no src, no external stylesheet")
    func selfContained() {
        for html in [sampleHTML, HTMLReport.render(hostile)] {
            #expect(!html.contains("http"))
            #expect(!html.contains("src="))
            #expect(!html.contains("@import"))
            #expect(!html.contains("<link"))
            #expect(count("<script", in: html) == 1, "only the inline sorting script")
            #expect(html.hasPrefix("<!DOCTYPE html>"))
        }
    }

    @Test("titles come from the data")
    func titles() throws {
        let scree = try #require(section(sampleHTML, "scree"))
        #expect(sample.horn.k95 == 4)
        #expect(scree.contains("k95 = 4"))
        #expect(scree.contains("k_mean = \(sample.horn.kMean)"))
        #expect(scree.contains("p = 43 tasks"))
        #expect(scree.contains("n = 242 runs"))
        #expect(scree.contains("50 random draws"))
        #expect(try #require(section(sampleHTML, "loadings")).contains("43 tasks on 4 factors"))
        #expect(try #require(section(sampleHTML, "leaderboard")).contains("aggregate of 4 factor scores"))
        #expect(!sampleHTML.contains("3-factor"))
        // The one-factor fit says so in the singular.
        let h = HTMLReport.render(hostile)
        #expect(try #require(section(h, "loadings")).contains("3 tasks on 1 factor ("))
        #expect(HTMLReport.render(sample, title: "My <sweep>").contains("<h1>My &lt;sweep&gt;</h1>"))
    }

    @Test("strings from the data are escaped: a task named <script> shows as text")
    func hostileNames() throws {
        let html = HTMLReport.render(hostile)
        #expect(!html.contains("<script>alert(1)"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<b onmouseover"))
        #expect(html.contains("&lt;b onmouseover=&#39;x&#39;&gt;&quot;evil&quot;, run &amp; co&lt;/b&gt;"))
        #expect(!html.contains("<i>x</i>"))
        #expect(html.contains("hostile &lt;sweep&gt;.csv"))
        // The heatmap labels the hostile task (escaped) and keeps the full name as a tooltip.
        let loadings = try #require(section(html, "loadings"))
        #expect(loadings.contains("<title>eval/paloma/&lt;script&gt;alert(1)&lt;/script&gt;/bpb</title>"))
    }

    @Test("a NUL or other control character in a run or task name never reaches index.html raw")
    func controlCharactersInNames() throws {
        let names = ["run\u{0}nul", "run\u{1B}[31mred", "run_c", "run_d", "run_e", "run_f", "run\u{85}g"]
        let ability = [1.2, -0.4, 0.3, -1.1, 0.8, -0.2, 0.5]
        let wiggle = [0.05, -0.03, 0.02, 0.04, -0.05, 0.01, -0.02]
        var csv = "run_name,eval/paloma/a\u{0}b/bpb,eval/paloma/c4_en/bpb,eval/paloma/ptb\u{7}/bpb\n"
        for (i, name) in names.enumerated() {
            let a = ability[i], w = wiggle[i]
            csv += "\(name),\(1.5 - 0.10 * a + w),\(1.2 - 0.08 * a - w),\(1.9 - 0.12 * a + 0.5 * w)\n"
        }
        let sweep = try EvalMatrix(csv: csv, source: "nul\u{0}.csv")
        let result = try Analysis(sweep: sweep, options: AnalysisOptions(draws: 10, fit: FitOptions(factors: 1))).run()
        #expect(result.tasks.contains("eval/paloma/a\u{0}b/bpb"))
        let html = HTMLReport.render(result, title: "nul\u{0}.csv")
        let forbidden = html.unicodeScalars.filter {
            ($0.value < 0x20 && $0 != "\t" && $0 != "\n") || (0x7F...0x9F).contains($0.value)
        }
        #expect(forbidden.isEmpty, "raw control characters: \(forbidden.map { String($0.value, radix: 16) })")
        #expect(html.contains("run&#xFFFD;nul"))
        #expect(html.contains("eval/paloma/a&#xFFFD;b/bpb"))
    }

    @Test("without a noise file or held-out metrics the views say so in a sentence")
    func missingInputs() throws {
        let html = HTMLReport.render(hostile)
        let snr = try #require(section(html, "snr"))
        #expect(count("<svg", in: snr) == 0)
        #expect(snr.contains("No noise file was given"))
        let validation = try #require(section(html, "validation"))
        #expect(count("<svg", in: validation) == 0)
        #expect(validation.contains("No held-out metric"))
        let ceiling = try #require(section(html, "ceiling"))
        #expect(count("<svg", in: ceiling) == 0)
        #expect(ceiling.contains("No task has a noise ceiling"))
        #expect(ceiling.contains("3 tasks have no ceiling because no noise file was given"))
    }

    @Test("numbers on the page are short (no 0.30000000000000004)")
    func shortNumbers() throws {
        // Sort keys keep full precision on purpose; everything a reader sees must not.
        let visible = sampleHTML.replacing(/data-v="[^"]*"/, with: "")
        #expect(visible.firstMatch(of: /[0-9]\.[0-9]{7,}/) == nil)
        let snr = try #require(section(sampleHTML, "snr"))
        #expect(snr.contains("× (noise = "))
        #expect(snr.contains("10 replicate runs"))
    }

    @Test("the SNR axis is logarithmic with power-of-ten ticks")
    func snrAxis() throws {
        let snr = try #require(section(sampleHTML, "snr"))
        let labels = snr.matches(of: /<text [^>]*class="tick">([^<]*)<\/text>/).map { String($0.1) }
        #expect(!labels.isEmpty)
        #expect(labels.allSatisfy { $0.hasPrefix("10") }, "\(labels)")
        #expect(labels.contains("10³"))
    }
}

// MARK: - Chart helpers

@Suite("Report: scales, formatting, escaping")
struct ReportHelperTests {
    @Test("log ticks are the powers of ten spanning the data")
    func logTicks() {
        let s = LogScale(domain: 180, 3847, range: 0, 300)
        #expect(s.ticks() == [100, 1000, 10000])
        for (lo, hi) in [(0.0008, 20.5), (3e-7, 2e-3), (1.0, 1.0), (42.0, 43.0)] {
            let ticks = LogScale(domain: lo, hi, range: 0, 1).ticks()
            #expect(ticks.count >= 2)
            #expect(ticks.first! <= lo && ticks.last! >= hi)
            for t in ticks {
                let e = log10(t)
                #expect(abs(e - e.rounded()) < 1e-12, "\(t) is not a power of ten")
            }
        }
        #expect(LogScale.labels([100, 1000, 10000]) == ["10²", "10³", "10⁴"])
        #expect(LogScale.labels([0.01, 0.1, 1, 10]) == ["0.01", "0.1", "1", "10"])
        let scale = LogScale(domain: 1, 100, range: 0, 200)
        #expect(abs(scale(10) - 100) < 1e-9)
    }

    @Test("linear ticks are round multiples of 1, 2 or 5 × 10ᵏ")
    func linearTicks() {
        let s = LinearScale(domain: 0.013, 0.97, range: 0, 100)
        #expect(s.domain.lower == 0 && s.domain.upper == 1)
        let labels = s.ticks(count: 5).map { NumberFormat.significant($0) }
        #expect(labels == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(LinearScale(domain: -3.7, 4.1, range: 0, 1, tickCount: 5).ticks(count: 5) == [-4, -2, 0, 2, 4, 6].filter { $0 <= 6 })
        // A constant column still gets a usable axis.
        #expect(!LinearScale(domain: 2, 2, range: 0, 1).ticks().isEmpty)
    }

    @Test("numbers are formatted to significant digits")
    func numberFormat() {
        #expect(NumberFormat.significant(0.1 + 0.2) == "0.3")
        #expect(NumberFormat.significant(3.14159) == "3.14")
        #expect(NumberFormat.significant(-3.14159) == "−3.14")
        #expect(NumberFormat.significant(-0.0) == "0")
        #expect(NumberFormat.significant(20.51205588603041) == "20.5")
        #expect(NumberFormat.significant(2.5e-7) == "2.5e-7")
        #expect(NumberFormat.significant(4.7235e-09, digits: 2) == "4.7e-9")
        #expect(NumberFormat.significant(1234.6) == "1235")
        #expect(NumberFormat.significant(9.9996) == "10")
        #expect(NumberFormat.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(NumberFormat.fixed(-1.5, decimals: 1) == "−1.5")
        #expect(NumberFormat.percent(0.0006734987) == "0.067%")
    }

    @Test("one escaping function for the five HTML metacharacters")
    func escaping() {
        #expect(HTMLEscaping.escape(#"<a href="x">Tom & 'Jerry'</a>"#)
            == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(HTMLEscaping.escape("plain/bpb θ₁ h²") == "plain/bpb θ₁ h²")
        // NUL and other controls never reach the page raw; tab, newline and ordinary non-ASCII stay.
        #expect(HTMLEscaping.escape("run\u{0}1") == "run&#xFFFD;1")
        #expect(HTMLEscaping.escape("a\u{1}b\u{1B}[31mc\rd\u{7F}e") == "a&#xFFFD;b&#xFFFD;[31mc&#xFFFD;d&#xFFFD;e")
        #expect(HTMLEscaping.escape("c1\u{85}x\u{9F}") == "c1&#xFFFD;x&#xFFFD;")
        #expect(HTMLEscaping.escape("tab\tline\n") == "tab\tline\n")
        #expect(HTMLEscaping.escape("é ¢ \u{A0} ÿ") == "é ¢ \u{A0} ÿ")
    }

    @Test("heatmap rows are grouped by dominant factor and sorted within each group")
    func heatmapOrder() {
        let groups = LoadingsHeatmap.order(sample)
        #expect(groups.flatMap(\.tasks).sorted() == Array(sample.tasks.indices))
        for group in groups {
            let tops = group.tasks.map { sample.loadings[$0].max()! }
            #expect(tops == tops.sorted(by: >))
            for t in group.tasks {
                #expect(sample.loadings[t][group.factor] == sample.loadings[t].max()!)
            }
        }
    }

    @Test("long task names are cut visibly")
    func truncation() {
        #expect(TextMetrics.truncate("abcdef", maxCharacters: 4) == "abc…")
        #expect(TextMetrics.truncate("abc", maxCharacters: 4) == "abc")
    }
}

// MARK: - CSV export

@Suite("Report: CSV export")
struct CSVExportTests {
    @Test("RFC 4180 quoting of commas, quotes and line breaks")
    func quoting() {
        #expect(CSVExport.field("plain") == "plain")
        #expect(CSVExport.field("a,b") == "\"a,b\"")
        #expect(CSVExport.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVExport.field("two\nlines") == "\"two\nlines\"")
        #expect(CSVExport.field("cr\r") == "\"cr\r\"")
        #expect(CSVExport.number(nil) == "")
        #expect(CSVExport.number(0.1 + 0.2) == "0.30000000000000004", "CSV keeps full precision")
    }

    @Test("a quote joined by a combining mark is still doubled")
    func quoteWithCombiningMark() throws {
        // U+0022 U+032A is one Character, which replacingOccurrences(of: "\"") skips: quoting must work per scalar.
        let name = "run \"\u{32A}x\", y"
        #expect(CSVExport.field(name) == "\"run \"\"\u{32A}x\"\", y\"")
        let table = try CSVReader.parse("a,b\n" + CSVExport.field(name) + ",1\n", source: "t.csv")
        #expect(table.rows == [[name, "1"]])
    }

    @Test("CSV injection: text that a spreadsheet would evaluate gets a leading quote (OWASP)")
    func formulaCells() throws {
        for formula in ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\tx", "\rx", "=1"] {
            let written = CSVExport.field(CSVExport.text(formula))
            #expect(written == "\"'" + formula.replacingOccurrences(of: "\"", with: "\"\"") + "\"", "\(formula.debugDescription)")
            let back = try CSVReader.parse("a\n" + written + "\n", source: "t.csv")
            #expect(back.rows == [["'" + formula]])
        }
        // Plain numbers, even as text, and ordinary names stay as they are.
        for plain in ["-0.5", "+1e-3", "-3", "run_a", "lm_eval/a/bpb", "a=b", ""] {
            #expect(CSVExport.text(plain) == plain)
        }
        #expect(CSVExport.text("-inf") == "'-inf")
        #expect(CSVExport.text("-1 ") == "'-1 ")
    }

    @Test("CSV injection through the report: run names, extra cells and --validate names are guarded, numbers are not")
    func formulaCellsInTheReport() throws {
        let names = ["=HYPERLINK(\"http://evil\")", "+run", "-run", "@run", "run_e", "run_f", "baseline_g"]
        let ability = [1.2, -0.4, 0.3, -1.1, 0.8, -0.2, 0.5]
        let wiggle = [0.05, -0.03, 0.02, 0.04, -0.05, 0.01, -0.02]
        var csv = "run_name,status,is_qsplit240_core,=held/out,eval/paloma/a/bpb,eval/paloma/b/bpb,eval/paloma/c/bpb\n"
        for (i, name) in names.enumerated() {
            let a = ability[i], w = wiggle[i]
            let extra = i == 0 ? "=1+1" : i == 1 ? "-0.5" : "true"
            csv += "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\",completed,\(extra),\(-a),"
                + "\(1.5 - 0.10 * a + w),\(1.2 - 0.08 * a - w),\(1.9 - 0.12 * a + 0.5 * w)\n"
        }
        let sweep = try EvalMatrix(csv: csv, source: "formulas.csv")
        let result = try Analysis(sweep: sweep, options: AnalysisOptions(
            draws: 10, fit: FitOptions(factors: 1), heldOutMetrics: ["=held/out"],
            leaderboardColumns: ReferencePreset.leaderboardColumns)).run()
        let text = CSVExport.leaderboard(result)
        let table = try CSVReader.parse(text, source: "leaderboard.csv")
        #expect(table.header.contains("'=held/out"))
        let runs = table.rows.map { $0[4] }
        #expect(Set(runs) == Set(["'=HYPERLINK(\"http://evil\")", "'+run", "'-run", "'@run", "run_e", "run_f", "baseline_g"]))
        let extra = try #require(table.header.firstIndex(of: "is_qsplit240_core"))
        #expect(Set(table.rows.map { $0[extra] }) == Set(["'=1+1", "-0.5", "true"]))
        // No line of the file has a field that starts with a formula character unquoted.
        for line in text.split(separator: "\n") {
            for field in line.split(separator: ",", omittingEmptySubsequences: false) {
                if let first = field.unicodeScalars.first, "=+@".unicodeScalars.contains(first) {
                    Issue.record("unguarded field \(field) in \(line)")
                }
            }
        }
        // Computed numbers stay numbers, negative ones included.
        let held = try #require(table.header.firstIndex(of: "'=held/out"))
        #expect(table.rows.allSatisfy { Double($0[held]) != nil })
        #expect(table.rows.contains { $0[held].hasPrefix("-") })
    }

    @Test("a hostile leaderboard round-trips through CSVReader")
    func leaderboardRoundTrip() throws {
        let table = try CSVReader.parse(CSVExport.leaderboard(hostile), source: "leaderboard.csv")
        #expect(table.header == ["rank", "rank_low", "rank_high", "p_best", "run_name", "aggregate", "aggregate_sd",
                                 "coverage", "theta_1 [\(hostile.factorLabels[0])]", "theta_sd_1", "is_baseline"])
        #expect(table.rows.count == hostile.nRuns)
        #expect(table.rows.map { $0[4] } == hostile.leaderboard.map(\.runName))
        #expect(table.rows.map { $0[4] }.contains(hostileRun))
        #expect(table.rows.map { Double($0[5])! } == hostile.leaderboard.map(\.aggregate))
        #expect(table.rows.map { Int($0[0])! } == Array(1...hostile.nRuns))
        #expect(table.rows.allSatisfy { Int($0[1])! <= Int($0[0])! && Int($0[0])! <= Int($0[2])! })
        #expect(table.rows.map { $0[10] } == hostile.leaderboard.map { $0.isBaseline ? "true" : "false" })
    }

    @Test("loadings: one row per task, full precision, empty cells for no anchor")
    func loadings() throws {
        let table = try CSVReader.parse(CSVExport.loadings(sample), source: "loadings.csv")
        #expect(table.header == ["task"] + (1...4).map { "lambda_\($0) [\(sample.factorLabels[$0 - 1])]" }
                                 + ["psi", "communality", "noise_share", "h2_ceiling"])
        #expect(table.rows.map { $0[0] } == sample.tasks)
        for (t, row) in table.rows.enumerated() {
            #expect((1...4).map { Double(row[$0])! } == sample.loadings[t])
            #expect(Double(row[6])! == sample.communality[t])
            #expect(Double(row[8]) == sample.h2Ceiling[t])
        }
        let h = try CSVReader.parse(CSVExport.loadings(hostile), source: "loadings.csv")
        #expect(h.rows.map { $0[0] }.contains(hostileTask))
        #expect(h.header.suffix(2) == ["noise_share", "h2_ceiling"])
        #expect(h.rows.allSatisfy { $0[4] == "" && $0[5] == "" })
    }

    @Test("horn, snr and noise floor tables")
    func otherTables() throws {
        let horn = try CSVReader.parse(CSVExport.horn(sample), source: "horn.csv")
        #expect(horn.header == ["rank", "eigenvalue", "p95", "mean"])
        #expect(horn.rows.count == sample.nTasks)
        #expect(horn.rows.map { Double($0[1])! } == sample.horn.eigenvalues)

        let snr = try CSVReader.parse(CSVExport.snr(sample), source: "snr.csv")
        #expect(snr.rows.map { $0[0] } == (1...4).map { "factor_\($0) [\(sample.factorLabels[$0 - 1])]" } + ["aggregate"])
        #expect(Double(snr.rows[4][3])! == sample.snr!.aggregate.snr)
        #expect(snr.rows.allSatisfy { $0[7] == "10" })
        // Without a noise file: the header alone.
        #expect(CSVExport.snr(hostile).split(separator: "\n").count == 1)

        let floor = try CSVReader.parse(CSVExport.noiseFloor(sample), source: "floor.csv")
        #expect(floor.header == ["task", "noise_share", "h2_ceiling", "communality", "above_ceiling"])
        #expect(floor.rows.filter { $0[4] == "true" }.count == CeilingBars.above(sample).count)
        let hostileFloor = try CSVReader.parse(CSVExport.noiseFloor(hostile), source: "floor.csv")
        #expect(hostileFloor.rows.allSatisfy { $0[1] == "" && $0[2] == "" && $0[4] == "" })
    }
}
