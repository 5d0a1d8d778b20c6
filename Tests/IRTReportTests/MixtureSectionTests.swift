import Foundation
import IRTMixture
import IRTModel
import IRTSampleData
import Linalg
import Testing
@testable import IRTReport

// MARK: - Fixtures

/// The shipped mixture example's sweep and replicates, analysed with 50 Horn draws.
let mixtureExampleResult: AnalysisResult = {
    do {
        return try Analysis(
            sweep: EvalMatrix(contentsOf: SampleData.mixtureExampleSweep),
            noise: EvalMatrix(contentsOf: SampleData.mixtureExampleReplicates),
            options: AnalysisOptions(draws: 50)
        ).run()
    } catch {
        fatalError("the mixture example's analysis failed: \(error)")
    }
}()

/// A study made by hand on the example's first 30 runs: two phases of two
/// domains, four scores, `theta_3` flagged, two proposals. Its numbers are
/// arbitrary; the tests check that the page and the files show them.
func handMadeMixture(_ r: AnalysisResult, proposals: Int = 2, effects: Bool = true) -> MixtureReport {
    let runs = Array(r.runNames.prefix(30))
    let columns = ["phase_1_web", "phase_1_code", "phase_2_web", "phase_2_code"]
    var weights = Matrix(rows: runs.count, columns: 4)
    for i in runs.indices {
        let a = 0.2 + 0.6 * Double(i) / Double(runs.count), b = 0.7 - 0.4 * Double(i % 5) / 5
        weights[i, 0] = a; weights[i, 1] = 1 - a; weights[i, 2] = b; weights[i, 3] = 1 - b
    }
    let table = MixtureTable(
        source: "mix <example>.csv", runNames: runs, columns: columns,
        phases: [MixturePhase(name: "phase_1", columns: ["phase_1_web", "phase_1_code"]),
                 MixturePhase(name: "phase_2", columns: ["phase_2_web", "phase_2_code"])],
        weights: weights, droppedConstantColumns: ["phase_2_synthetic"], droppedConstantValues: [0],
        inputColumns: columns + ["phase_2_synthetic"], lines: runs.indices.map { $0 + 2 })
    let scores = ["aggregate", "theta_1", "theta_2", "theta_3"]
    var surrogates: [MixtureAnalysis.Surrogate] = []
    for (s, score) in scores.enumerated() {
        let r2 = score == "theta_3" ? 0.05 : 0.8 - 0.1 * Double(s)
        surrogates.append(.init(family: "ridge", score: score, oofR2: r2, oofSpearman: r2 + 0.05, oofRMSE: 0.3,
                                permutationR2: -0.04, ceilingR2: 0.97, chosen: s % 2 == 0, effectiveDF: 3.2))
        surrogates.append(.init(family: "gp", score: score, oofR2: r2 - 0.02, oofSpearman: r2, oofRMSE: 0.31,
                                permutationR2: -0.05, ceilingR2: 0.97, chosen: s % 2 == 1))
    }
    var list: [MixtureAnalysis.Effect] = []
    if effects {
        for (s, score) in scores.enumerated() {
            for (c, column) in columns.enumerated() {
                let estimate = Double(c - 1) * 0.7 + Double(s) * 0.1
                let half = c == 1 ? 2.0 : 0.4
                list.append(.init(score: score, column: column, estimate: estimate, lower: estimate - half, upper: estimate + half))
            }
        }
    }
    let proposalList = (0..<proposals).map { p -> MixtureAnalysis.Proposal in
        let shift = 0.05 * Double(p + 1)
        return .init(weights: ["phase_1_web": 0.5 + shift, "phase_1_code": 0.6 - shift, "phase_2_web": 0.3, "phase_2_code": 0.9],
                     predicted: Dictionary(uniqueKeysWithValues: scores.map { ($0, MixtureAnalysis.Interval(estimate: 1.1, lower: 0.9, upper: 1.3)) }),
                     nearestRun: runs[p], tvToNearest: 0.12, referenceRun: runs[3], rankAmongObserved: 1)
    }
    let analysis = MixtureAnalysis(
        source: "mix <example>.csv", matchedRuns: 30,
        unmatched: .init(runsWithoutMixture: Array(r.runNames.dropFirst(30)), mixturesWithoutRun: ["ghost_run"]),
        phases: table.phases, droppedConstantColumns: ["phase_2_synthetic"], objective: "aggregate",
        surrogates: surrogates, effects: list, partialEffects: [.init(score: "aggregate", column: "phase_1_web", estimate: 0.01)],
        proposals: proposalList, notPredictable: ["theta_3"], notes: ["a note of the study"],
        referenceRun: proposals > 0 ? runs[3] : nil,
        referencePredicted: proposals > 0 ? Dictionary(uniqueKeysWithValues: scores.map { ($0, 0.25) }) : nil)
    return MixtureReport(analysis: analysis, table: table, options: MixtureOptions())
}

// MARK: - The page

@Suite struct MixtureSectionTests {
    let r = mixtureExampleResult

    @Test func sectionNavigationAndCardAppearOnlyWithAMixture() throws {
        let m = handMadeMixture(r)
        let html = HTMLReport.render(r, mixture: m)
        #expect(section(html, "mixture") != nil)
        #expect(html.contains("<a href=\"#mixture\">Mixture</a>"))
        let header = try #require(html.range(of: "</header>")).lowerBound
        let card = try #require(html.range(of: "<div class=\"mixture-card\">")).lowerBound
        #expect(card < header, "the mixture decisions are in the first card")
        let plain = HTMLReport.render(r)
        #expect(section(plain, "mixture") == nil)
        #expect(!plain.contains("#mixture"))
        #expect(!plain.contains("mixture-card"))
    }

    @Test func cardSaysTheDecisions() throws {
        let m = handMadeMixture(r)
        let html = HTMLReport.render(r, mixture: m)
        let header = String(html[..<(try #require(html.range(of: "</header>")).lowerBound)])
        #expect(header.contains("30 runs matched to a mixture in mix &lt;example&gt;.csv (2 phases, 4 weight columns)"))
        #expect(header.contains("a note of the study"))
        #expect(!header.contains("no score has a ceiling"), "the hand-made study has ceilings")
        #expect(m.decisions == ["30 runs matched to a mixture in mix <example>.csv (2 phases, 4 weight columns)", "a note of the study"])
    }

    @Test func withoutSeedNoiseTheCardSaysThereIsNoCeiling() throws {
        let m = handMadeMixture(r)
        let a = m.analysis
        let noCeiling = a.surrogates.map {
            MixtureAnalysis.Surrogate(family: $0.family, score: $0.score, oofR2: $0.oofR2, oofSpearman: $0.oofSpearman,
                                      oofRMSE: $0.oofRMSE, permutationR2: $0.permutationR2, ceilingR2: nil, chosen: $0.chosen)
        }
        let study = MixtureAnalysis(source: a.source, matchedRuns: a.matchedRuns, unmatched: a.unmatched, phases: a.phases,
                                    droppedConstantColumns: a.droppedConstantColumns, objective: a.objective,
                                    surrogates: noCeiling, effects: a.effects, partialEffects: a.partialEffects,
                                    proposals: a.proposals, notPredictable: a.notPredictable, notes: a.notes)
        let report = MixtureReport(analysis: study, table: m.table, options: m.options)
        #expect(report.decisions.count == 3)
        #expect(report.decisions[1].hasPrefix("no score has a ceiling R²: no seed noise was measured"))
        let mixture = try #require(section(HTMLReport.render(r, mixture: report), "mixture"))
        #expect(count("<td class=\"num missing\">–</td>", in: MixtureSection.predictability(report, factorLabels: r.factorLabels)) == 4)
        #expect(mixture.contains("no score has a ceiling R²"))
    }

    @Test func heatmapHasOneCellPerEffectAndOutlinesThoseExcludingZero() throws {
        let m = handMadeMixture(r)
        let mixture = try #require(section(HTMLReport.render(r, mixture: m), "mixture"))
        #expect(mixture.contains("<svg"))
        let strong = m.analysis.effects.filter { $0.lower > 0 || $0.upper < 0 }.count
        #expect(strong > 0 && strong < m.analysis.effects.count)
        #expect(count("class=\"effect strong\"", in: mixture) == strong)
        #expect(count("class=\"effect\"", in: mixture) == m.analysis.effects.count - strong)
        // Within a phase, the column with the larger effect on the objective comes first.
        let web = try #require(mixture.range(of: ">phase_1_web</text>")).lowerBound
        let code = try #require(mixture.range(of: ">phase_1_code</text>")).lowerBound
        #expect(code < web, "phase_1_code (0.0) is above phase_1_web (−0.7) on the aggregate")
    }

    @Test func heatmapOrderSortsEachPhaseByTheObjective() {
        let m = handMadeMixture(r)
        let order = MixtureEffectsHeatmap.order(m)
        #expect(order.map(\.phase) == ["phase_1", "phase_2"])
        // Aggregate effects are (c − 1)·0.7: phase_1_code 0, phase_1_web −0.7; phase_2_code 1.4, phase_2_web 0.7.
        #expect(order[0].columns == ["phase_1_code", "phase_1_web"])
        #expect(order[1].columns == ["phase_2_code", "phase_2_web"])
    }

    @Test func predictabilityTableFlagsTheUnpredictableScore() throws {
        let m = handMadeMixture(r)
        let table = MixtureSection.predictability(m, factorLabels: r.factorLabels)
        #expect(count("<tr", in: table) == 1 + 4)
        #expect(count("<tr class=\"flagged\">", in: table) == 1)
        #expect(count("not predictable from the mixture — do not optimize it", in: table) == 1)
        // The chosen family's out-of-fold R² is shown: θ1 used gp (0.68), the aggregate ridge (0.8).
        #expect(table.contains("<td>gp</td><td class=\"num\">0.680</td>"))
        #expect(table.contains("<td>ridge <span class=\"note\">(df 3.2)</span></td><td class=\"num\">0.800</td>"))
        #expect(table.contains("gp 0.780"), "the other family's R²")
    }

    @Test func proposalsTablesSortWeightsByChangeFromTheReference() throws {
        let m = handMadeMixture(r)
        let html = MixtureSection.proposals(m, factorLabels: r.factorLabels)
        #expect(count("<tr><td>proposal_", in: html) == 2)
        // The reference run's predictions (the floors) head the table.
        let reference = try #require(html.range(of: "<tr class=\"reference\">"))
        #expect(reference.lowerBound < (try #require(html.range(of: "<tr><td>proposal_1"))).lowerBound)
        #expect(html.contains("reference <code>\(m.analysis.proposals[0].referenceRun)</code></td><td class=\"num\">0.250</td>"))
        #expect(html.contains("1 of 31"))
        // Expected order, computed from the weights: the largest |proposal − reference| first.
        let base = try #require(m.referenceWeights(m.analysis.proposals[0].referenceRun))
        let expected = m.table.columns.sorted { a, b in
            func change(_ c: String) -> Double { m.analysis.proposals.map { abs($0.weights[c]! - base[c]!) }.max()! }
            return change(a) > change(b)
        }
        #expect(expected == ["phase_2_code", "phase_1_web", "phase_1_code", "phase_2_web"])
        let positions = try expected.map { try #require(html.range(of: "<td class=\"run\">\($0)</td>")).lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test func withoutProposalsOrEffectsItSaysSo() throws {
        let m = handMadeMixture(r, proposals: 0, effects: false)
        let mixture = try #require(section(HTMLReport.render(r, mixture: m), "mixture"))
        #expect(mixture.contains("No effects were estimated."))
        #expect(mixture.contains("No mixture is proposed"))
        #expect(!mixture.contains("<svg"))
    }
}

// MARK: - result.json and the files

@Suite struct MixtureFilesTests {
    let r = mixtureExampleResult

    @Test func resultJSONGetsATopLevelMixtureKeyAndNothingElseChanges() throws {
        let m = handMadeMixture(r)
        let with = try ResultJSON.encode(r, mixture: m.analysis)
        let without = try ResultJSON.encode(r)
        #expect(try ResultJSON.encode(r, mixture: nil) == without)
        var object = try #require(try JSONSerialization.jsonObject(with: with) as? [String: Any])
        let block = try #require(object["mixture"] as? [String: Any])
        #expect(block["matched_runs"] as? Int == 30)
        let unmatched = try #require(block["unmatched"] as? [String: [String]])
        #expect(unmatched["mixtures_without_run"] == ["ghost_run"])
        #expect((block["surrogates"] as? [Any])?.count == 8)
        #expect((block["proposals"] as? [[String: Any]])?.first?["nearest_run"] as? String == r.runNames[0])
        object["mixture"] = nil
        let rest = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let plain = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: without), options: [.sortedKeys])
        #expect(rest == plain)
        #expect(try ResultJSON.decodeMixture(from: with) == m.analysis)
        #expect(try ResultJSON.decodeMixture(from: without) == nil)
        // Still an IRTKit result (how a report folder is recognised).
        #expect(try ResultJSON.decoder().decode(AnalysisResult.self, from: with).runNames == r.runNames)
    }

    @Test func effectsCSVReadsBackWithTheIntervalsVerdict() throws {
        let m = handMadeMixture(r)
        let table = try CSVReader.parse(CSVExport.mixtureEffects(m), source: "mixture_effects.csv")
        #expect(table.header == ["score", "column", "estimate", "lower", "upper", "excludes_zero", "partial_effect"])
        #expect(table.rows.count == m.analysis.effects.count)
        for (row, e) in zip(table.rows, m.analysis.effects) {
            #expect(row[0] == e.score && row[1] == e.column)
            #expect(Double(row[2]) == e.estimate && Double(row[3]) == e.lower && Double(row[4]) == e.upper)
            #expect(row[5] == String(e.lower > 0 || e.upper < 0))
        }
        let partial = try #require(table.rows.first { $0[0] == "aggregate" && $0[1] == "phase_1_web" })
        #expect(partial[6] == "0.01")
        #expect(table.rows.filter { !$0[6].isEmpty }.count == 1)
    }

    @Test func predictabilityCSVHasOneRowPerScoreAndFamily() throws {
        let m = handMadeMixture(r)
        let table = try CSVReader.parse(CSVExport.mixturePredictability(m, factorLabels: r.factorLabels),
                                        source: "mixture_predictability.csv")
        #expect(table.rows.count == m.analysis.surrogates.count)
        #expect(table.rows.filter { $0[10] == "true" }.map { $0[0] } == ["theta_3", "theta_3"])
        #expect(table.rows.filter { $0[3] == "true" }.count == 4, "one chosen family per score")
        #expect(table.rows.filter { $0[2] == "gp" }.allSatisfy { $0[9].isEmpty }, "no effective df for the GP")
    }

    @Test func reportFilesListTheMixtureFilesOnlyWithAMixture() throws {
        let m = handMadeMixture(r)
        let names = try ReportFiles.files(for: r, mixture: m, title: nil).map(\.name)
        for name in ReportFiles.mixtureNames { #expect(names.contains(name)) }
        #expect(names.allSatisfy(ReportFiles.names.contains))
        let plain = try ReportFiles.files(for: r, title: nil).map(\.name)
        #expect(ReportFiles.mixtureNames.allSatisfy { !plain.contains($0) })
    }
}
