import Foundation
import IRTModel
import IRTSynthetic
import Linalg
@testable import IRTMixture

/// A synthetic mixture sweep as the mixture step sees it: the mixture file (through the
/// parser), and the scores θ_j + seed noise and their mean, the aggregate.
struct SyntheticStudy {
    let mixture: SyntheticMixture
    let table: MixtureTable
    let scores: [MixtureScore]

    init(seed: UInt64, runs: Int = 240, domains: Int = 39, phases: Int = 2, factors: Int = 3,
         noise: Double = 0.3, form: SyntheticMixture.Form = .linear, extra: [MixtureScore] = []) throws {
        mixture = SyntheticMixture(runs: runs, domains: domains, phases: phases, factors: factors, seed: seed, form: form)
        let csv = try CSVReader.parse(mixture.mixtureCSV, source: "mixture.csv")
        table = try MixtureTable.parse(csv, source: "mixture.csv", runColumn: "run_name", columnsPattern: nil)
        let theta = mixture.observedTheta(noise: noise)
        let share = noise * noise / (1 + noise * noise)
        var scores = [MixtureScore(name: "aggregate", label: "aggregate",
                                   values: (0..<runs).map { r in (0..<factors).reduce(0.0) { $0 + theta[r, $1] } / Double(factors) },
                                   noiseShare: nil)]
        for j in 0..<factors {
            scores.append(MixtureScore(name: "theta_\(j + 1)", label: "factor \(j + 1)", values: theta.column(j), noiseShare: share))
        }
        self.scores = scores + extra
    }

    func run(_ options: MixtureOptions) throws -> MixtureAnalysis {
        try MixtureStudy.run(table: table, runNames: mixture.runNames, scores: scores, options: options)
    }

    /// The weights of a proposal in column order (kept columns; none are dropped here).
    func weights(_ proposal: MixtureAnalysis.Proposal) -> [Double] {
        mixture.columnNames.map { proposal.weights[$0]! }
    }

    /// The best true aggregate among the observed runs.
    var bestObservedTruth: Double {
        (0..<mixture.runs).map { mixture.trueAggregate(mixture.weights.row($0)) }.max()!
    }
}
