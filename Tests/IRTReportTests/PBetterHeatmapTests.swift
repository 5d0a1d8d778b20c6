import Foundation
import IRTModel
import Linalg
import Testing
@testable import IRTReport

/// The `<text>` elements of an SVG fragment: position, anchor, size, rotation, class, weight and the
/// text itself (unescaped, without its `<title>`).
struct SVGText {
    let x, y, size: Double
    let anchor: String
    let rotated: Bool
    let className: String?
    let bold: Bool
    let content: String

    static func all(in svg: String) -> [SVGText] {
        svg.matches(of: /<text ([^>]*)>(?:<title>[^<]*<\/title>)?([^<]*)<\/text>/).map { m in
            let attributes = String(m.1)
            func attribute(_ name: String) -> String? {
                guard let r = attributes.range(of: " \(name)=\"") ?? (attributes.hasPrefix("\(name)=\"")
                    ? attributes.range(of: "\(name)=\"") : nil) else { return nil }
                return String(attributes[r.upperBound...].prefix { $0 != "\"" })
            }
            let size = attribute("style").flatMap { Double($0.replacing("font-size:", with: "").replacing("px", with: "")) }
            return SVGText(x: Double(attribute("x") ?? "") ?? .nan, y: Double(attribute("y") ?? "") ?? .nan,
                           size: size ?? 12, anchor: attribute("text-anchor") ?? "start",
                           rotated: attribute("transform")?.hasPrefix("rotate(-90") == true,
                           className: attribute("class"), bold: attribute("font-weight") == "700",
                           content: unescape(String(m.2)))
        }
    }

    static func unescape(_ s: String) -> String {
        s.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&quot;", with: "\"")
            .replacing("&#39;", with: "'").replacing("&#xFFFD;", with: "\u{FFFD}").replacing("&amp;", with: "&")
    }

    /// The box the text covers, from ``TextMetrics`` (monospace for task and cell text, as the stylesheet
    /// sets them): ascent 0.8 em, descent 0.25 em; a −90° rotation turns it about the anchor point.
    var box: (x0: Double, x1: Double, y0: Double, y1: Double) {
        let mono = className == "task" || className == "cell"
        let w = mono ? TextMetrics.monoWidth(content, size: size) : TextMetrics.width(content, size: size)
        let (u0, u1): (Double, Double) = anchor == "middle" ? (-w / 2, w / 2) : anchor == "end" ? (-w, 0) : (0, w)
        let (v0, v1) = (-0.8 * size, 0.25 * size)
        return rotated ? (x + v0, x + v1, y - u1, y - u0) : (x + u0, x + u1, y + v0, y + v1)
    }

    func overlaps(_ o: SVGText) -> Bool {
        let a = box, b = o.box
        return Swift.min(a.x1, b.x1) - Swift.max(a.x0, b.x0) > 0.5 && Swift.min(a.y1, b.y1) - Swift.max(a.y0, b.y0) > 0.5
    }
}

/// The `<svg>` element's width and height.
func svgSize(_ svg: String) -> (Double, Double)? {
    guard let m = svg.firstMatch(of: /<svg viewBox="0 0 ([0-9.]+) ([0-9.]+)"/) else { return nil }
    return (Double(m.1) ?? 0, Double(m.2) ?? 0)
}

/// A 3-task correlation matrix as input: no runs.
let correlationResult: AnalysisResult = {
    do {
        let input = try CorrelationInput(csv: "task,a,b,c\na,1,0.5,0.4\nb,0.5,1,0.3\nc,0.4,0.3,1\n",
                                         source: "cor.csv", observations: 80)
        return try Analysis.run(correlation: input, options: AnalysisOptions(draws: 20, fit: FitOptions(factors: 1)).withoutFitChecks)
    } catch {
        fatalError("the correlation analysis failed: \(error)")
    }
}()

/// `result` with its pairwise comparison cut to the `top` best runs of a posterior law.
func withComparison(of result: AnalysisResult, top: Int) -> AnalysisResult {
    var r = result
    let noise = AggregateNoise(aggregates: r.leaderboard.map(\.aggregate), law: .posterior(sds: r.leaderboard.map(\.aggregateSD)))
    r.uncertainty = ScoreUncertainty(noise: noise, seedNoise: nil, runNames: r.leaderboard.map(\.runName),
                                     comparison: PairwiseComparison(noise: noise, top: top, draws: 200))
    return r
}

/// The header block (the report's first card).
func header(_ html: String) -> String {
    guard let start = html.range(of: "<header>"), let end = html.range(of: "</header>") else { return "" }
    return String(html[start.lowerBound..<end.upperBound])
}

@Suite("Report: P(A > B) heatmap")
struct PBetterHeatmapTests {
    @Test("The sample's heatmap: one SVG, 20 × 19 value cells printing p_better to two decimals, mirrors adding up to 1")
    func values() throws {
        let u = try #require(sample.uncertainty)
        let pb = u.pBetter
        #expect(pb.runs.count == 20)
        #expect(pb.runs == sample.leaderboard.prefix(20).map(\.runName), "the top runs, best first")
        let s = try #require(section(sampleHTML, "pbetter"))
        #expect(count("<svg", in: s) == 1 && s.contains("<h2>") && s.contains("class=\"caption\""))
        let cells = SVGText.all(in: s).filter { $0.className == "cell" }
        #expect(cells.count == 20 * 19)
        // Row-major, the diagonal left out.
        let pairs = (0..<20).flatMap { a in (0..<20).filter { $0 != a }.map { (a, $0) } }
        var printed = [[Double]](repeating: [Double](repeating: .nan, count: 20), count: 20)
        for (cell, (a, b)) in zip(cells, pairs) {
            let v = try #require(Double(cell.content), "\(cell.content)")
            #expect(cell.content.count == 4 && cell.content.dropFirst(1).hasPrefix("."), "two decimals: \(cell.content)")
            #expect(abs(v - pb.p[a][b]) <= 0.005 + 1e-9, "(\(a), \(b)): \(cell.content) vs \(pb.p[a][b])")
            #expect(abs(pb.p[a][b] + pb.p[b][a] - 1) < 1e-12, "(\(a), \(b))")
            let decided = max(pb.p[a][b], 1 - pb.p[a][b]) > 0.975
            #expect(cell.bold == decided, "(\(a), \(b)) p = \(pb.p[a][b])")
            printed[a][b] = v
        }
        for (a, b) in pairs { #expect(abs(printed[a][b] + printed[b][a] - 1) < 1e-9, "(\(a), \(b)) mirrors") }
        // One outline per decided cell, plus the legend's swatch.
        let decided = pairs.filter { max(pb.p[$0.0][$0.1], 1 - pb.p[$0.0][$0.1]) > 0.975 }.count
        #expect(count("fill=\"none\" stroke=\"\(Palette.ink)\" stroke-width=\"1.5\"", in: s) == decided + 1)
        #expect(decided > 0 && decided < pairs.count, "the sample has decided and undecided pairs")
    }

    @Test("Under seed noise with ν df, the printed P(A > B) is the Student t of the gap over σ_a √2 (within Monte Carlo error)")
    func studentT() throws {
        // The sample's aggregates under a seed law with no extra variance and no refits, so each
        // difference x_a − x_b is â_a − â_b + σ_a √(2c) ε, a Student t with ν df in units of σ_a √2.
        let sd = 0.0171, nu = 9
        var r = sample
        let names = r.leaderboard.map(\.runName), aggregates = r.leaderboard.map(\.aggregate)
        let noise = AggregateNoise(aggregates: aggregates,
                                   law: .seed(variance: sd * sd, degreesOfFreedom: nu, extra: aggregates.map { _ in 0 }))
        r.uncertainty = ScoreUncertainty(noise: noise, seedNoise: nil, runNames: names,
                                         comparison: PairwiseComparison(noise: noise, top: 20, draws: 2000, seed: 7))
        let s = try #require(section(HTMLReport.render(r), "pbetter"))
        let cells = SVGText.all(in: s).filter { $0.className == "cell" }
        let pairs = (0..<20).flatMap { a in (0..<20).filter { $0 != a }.map { (a, $0) } }
        #expect(cells.count == pairs.count)
        var worst = 0.0
        for (cell, (a, b)) in zip(cells, pairs) {
            let exact = StudentT.cdf((aggregates[a] - aggregates[b]) / (sd * 2.0.squareRoot()), degreesOfFreedom: nu)
            let printed = try #require(Double(cell.content))
            worst = max(worst, abs(printed - exact))
            // 2,000 draws: a standard error of at most 0.011; printing adds at most 0.005.
            #expect(abs(printed - exact) < 0.055, "(\(a), \(b)): \(cell.content) vs \(exact)")
            #expect(cell.bold == (exact > 0.975 || exact < 0.025) || abs(exact - 0.975) < 0.03 || abs(exact - 0.025) < 0.03,
                    "(\(a), \(b)) decided: \(cell.bold), exact \(exact)")
        }
        #expect(worst > 0, "the values are not all exact")
    }

    @Test("The caption says what the probabilities include, the tie group and the minimum detectable difference")
    func caption() throws {
        let u = try #require(sample.uncertainty)
        let s = try #require(section(sampleHTML, "pbetter"))
        let caption = try #require(s.firstMatch(of: /<p class="caption">([^<]*)<\/p>/)).1
        #expect(caption.contains(HTMLEscaping.escape(UncertaintyWording.source(sample))))
        #expect(caption.contains(UncertaintyWording.notIncluded(sample)))
        #expect(caption.contains("seed noise measured on 10 replicate runs (9 degrees of freedom"))
        #expect(caption.contains(HTMLEscaping.escape(UncertaintyWording.tieGroup(u))))
        for name in u.tieGroup.prefix(9) { #expect(caption.contains(name)) }
        #expect(caption.contains("Differences below \(NumberFormat.significant(u.minDetectableDifference, digits: 3)) ("
            + "\(NumberFormat.percent(u.minDetectableShare, digits: 2)) of the sd of the sweep&#39;s aggregates)"))
        #expect(caption.contains("2000 joint draws"))
    }

    @Test("Labels: every run named on its row and column, the full name in the tooltip, no two labels overlapping, all inside the picture")
    func labels() throws {
        for (result, html) in [(sample, sampleHTML), (hostile, HTMLReport.render(hostile))] {
            let s = try #require(section(html, "pbetter"))
            let texts = SVGText.all(in: s)
            let runs = try #require(result.uncertainty).pBetter.runs
            let labels = texts.filter { $0.className == "task" }
            #expect(labels.count == 2 * runs.count)
            #expect(labels.filter(\.rotated).map(\.content) == PBetterHeatmap.labels(runs))
            #expect(labels.filter { !$0.rotated }.map(\.content) == PBetterHeatmap.labels(runs))
            for (i, run) in runs.enumerated() {
                #expect(count("<title>\(HTMLEscaping.escape("\(i + 1). \(run)"))</title>", in: s) == 2)
            }
            let (width, height) = try #require(svgSize(s))
            for (i, t) in texts.enumerated() {
                let b = t.box
                #expect(b.x0 >= 0 && b.x1 <= width && b.y0 >= 0 && b.y1 <= height, "\(t.content) outside the picture")
                for o in texts[(i + 1)...] where t.overlaps(o) {
                    Issue.record("\"\(t.content)\" overlaps \"\(o.content)\"")
                }
            }
        }
    }

    @Test("Long names keep their start and end with … in the middle and stay distinct")
    func middleEllipsis() {
        #expect(PBetterHeatmap.middleEllipsis("abcdefghij", maxCharacters: 5, head: 1) == "a…hij")
        #expect(PBetterHeatmap.middleEllipsis("abcdefghij", maxCharacters: 5, head: 4) == "abcd…")
        #expect(PBetterHeatmap.middleEllipsis("abcdefghij", maxCharacters: 5, head: 0) == "…ghij")
        #expect(PBetterHeatmap.middleEllipsis("abc", maxCharacters: 5, head: 1) == "abc")
        #expect(PBetterHeatmap.labels([]) == [])
        #expect(PBetterHeatmap.labels(["only"]) == ["only"])
        let prefix = "olmo-mix-v3-phase2-anneal-"
        let seeds = (0..<20).map { prefix + "mixture_\($0 / 4)-seed_\($0 % 4)" }
        let labels = PBetterHeatmap.labels(seeds)
        #expect(Set(labels).count == 20)
        #expect(labels.allSatisfy { $0.count <= PBetterHeatmap.maxLabelCharacters && $0.contains("…") })
        #expect(labels[5] == "olmo-mix-…l-mixture_1-seed_1", "a third of the start, the rest of the end")
        // Differ only in the middle, beyond any split: numbered by position.
        let middle = ["a" + String(repeating: "x", count: 40) + "1" + String(repeating: "y", count: 40),
                      "a" + String(repeating: "x", count: 40) + "2" + String(repeating: "y", count: 40)]
        let numbered = PBetterHeatmap.labels(middle)
        #expect(Set(numbered).count == 2 && numbered[0].hasSuffix(" #1") && numbered[1].hasSuffix(" #2"))
        #expect(numbered.allSatisfy { $0.count <= PBetterHeatmap.maxLabelCharacters })
        // Names that differ in the middle but within reach of a split: the split moves.
        let near = ["run-" + String(repeating: "x", count: 12) + "A" + String(repeating: "y", count: 20),
                    "run-" + String(repeating: "x", count: 12) + "B" + String(repeating: "y", count: 20)]
        #expect(Set(PBetterHeatmap.labels(near)).count == 2)
    }

    @Test("Printed hundredths: the upper triangle rounds, the lower one mirrors it")
    func hundredths() {
        let p = [[0.5, 0.125, 0.9996], [0.875, 0.5, 0.02], [0.0004, 0.98, 0.5]]
        #expect(PBetterHeatmap.hundredths(p, 0, 1) == 13 && PBetterHeatmap.hundredths(p, 1, 0) == 87)
        #expect(PBetterHeatmap.hundredths(p, 0, 2) == 100 && PBetterHeatmap.hundredths(p, 2, 0) == 0)
        #expect(PBetterHeatmap.hundredths(p, 1, 2) == 2 && PBetterHeatmap.hundredths(p, 2, 1) == 98)
        #expect(PBetterHeatmap.decided(0.976) && PBetterHeatmap.decided(0.024))
        #expect(!PBetterHeatmap.decided(0.975) && !PBetterHeatmap.decided(0.025) && !PBetterHeatmap.decided(0.5))
    }

    @Test("The tie group is said with the best run first: alone, one other, several")
    func tieGroupWording() {
        func uncertainty(_ aggregates: [Double]) -> ScoreUncertainty {
            let names = aggregates.indices.map { "r\($0)" }
            let noise = AggregateNoise(aggregates: aggregates, law: .posterior(sds: aggregates.map { _ in 0.01 }))
            return ScoreUncertainty(noise: noise, seedNoise: nil, runNames: names,
                                    comparison: PairwiseComparison(noise: noise, top: 20, draws: 500))
        }
        #expect(UncertaintyWording.tieGroup(uncertainty([3, 2, 1])) == "The best run, r0, is told apart from every other run at 95%.")
        #expect(UncertaintyWording.tieGroup(uncertainty([3, 2.999, 1])) == "1 run cannot be told apart from the best, r0, at 95%: r1.")
        #expect(UncertaintyWording.tieGroup(uncertainty([2.998, 3, 1, 2.999])) == "2 runs cannot be told apart from the best, r1, at 95%: r3, r0.")
        #expect(UncertaintyWording.tieGroup(uncertainty([])) == "There is no best run to compare with.")
    }

    @Test("Names with HTML characters are escaped in labels, tooltips and the caption")
    func hostileNames() throws {
        let html = HTMLReport.render(hostile)
        let s = try #require(section(html, "pbetter"))
        #expect(try #require(hostile.uncertainty).pBetter.runs.contains(hostileRun))
        #expect(!s.contains("<b onmouseover") && !s.contains("<i>x</i>"))
        #expect(s.contains("&lt;b onmouseover=&#39;x&#39;&gt;&quot;evil&quot;, run &amp; co&lt;/b&gt;"))
        #expect(s.contains("baseline_&lt;i&gt;x&lt;/i&gt;"))
        #expect(count("<svg", in: s) == 1)
    }

    @Test("Absent for a correlation input (the runs note says so); a note instead of the picture with fewer than two runs or none recorded")
    func absent() throws {
        let html = HTMLReport.render(correlationResult)
        #expect(section(html, "pbetter") == nil)
        #expect(try #require(section(html, "runs")).contains("P(A &gt; B) between runs"))
        #expect(PBetterHeatmap.svg(correlationResult) == nil)
        for top in [0, 1] {
            let r = withComparison(of: hostile, top: top)
            #expect(r.uncertainty?.pBetter.runs.count == top)
            let s = try #require(section(HTMLReport.render(r), "pbetter"))
            #expect(count("<svg", in: s) == 0 && s.contains("fewer than two runs were compared"))
        }
        var none = hostile
        none.uncertainty = nil
        let s = try #require(section(HTMLReport.render(none), "pbetter"))
        #expect(count("<svg", in: s) == 0 && s.contains("this result holds no pairwise probabilities"))
        // Two runs: a 2 × 1 heatmap.
        let two = try #require(section(HTMLReport.render(withComparison(of: hostile, top: 2)), "pbetter"))
        #expect(SVGText.all(in: two).filter { $0.className == "cell" }.count == 2)
    }

    @Test("The first card names where the uncertainty comes from and the minimum detectable difference")
    func firstCard() throws {
        let u = try #require(sample.uncertainty)
        let card = header(sampleHTML)
        #expect(card.contains("<dt>uncertainty</dt>"))
        #expect(card.contains("come from " + HTMLEscaping.escape(UncertaintyWording.source(sample))))
        #expect(card.contains("come from seed noise measured on 10 replicate runs (9 degrees of freedom"))
        #expect(card.contains("a complete run&#39;s aggregate sd \(NumberFormat.significant(try #require(u.aggregateSeedSD), digits: 3))"))
        #expect(card.contains("Differences below \(NumberFormat.significant(u.minDetectableDifference, digits: 3))"))
        #expect(card.contains("id=\"pbetter\"") || card.contains("href=\"#pbetter\""))
        // Without replicates: model-based, said.
        let h = header(HTMLReport.render(hostile))
        #expect(hostile.uncertainty?.source == .modelPosterior)
        #expect(h.contains("come from the factor model&#39;s posterior given the fitted loadings (model-based: not checked against seed noise"))
        #expect(h.contains("within the posterior&#39;s noise: not told apart at 95%"))
        // A correlation input has none, and says so.
        #expect(header(HTMLReport.render(correlationResult)).contains("none: a correlation matrix has no runs"))
        var none = hostile
        none.uncertainty = nil
        #expect(header(HTMLReport.render(none)).contains("<dd>not recorded in this result.</dd>"))
    }
}
