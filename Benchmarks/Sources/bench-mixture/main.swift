// bench-mixture: the whole mixture step (`irt-report --mixture`: surrogates with
// nested 5-fold CV and the permutation baseline, effects with 200 bootstrap
// refits, 3 guarded Thompson proposals) on a synthetic sweep of 240 runs whose
// mixtures have 39 domains × 2 phases (78 weight columns), 3 factors + the
// aggregate, with the default options. The target is under 2 s.
//
// Each time is the best of N runs (ContinuousClock) of `MixtureStudy.run`
// from the parsed table and the scores; the process CPU time over the same
// runs is printed beside it (the step uses every core; its results do not
// depend on the thread count).
//
//   swift run -c release bench-mixture [--runs N] [--domains D] [--repeats R]
import BenchSupport
import Foundation
import IRTMixture
import IRTModel
import IRTSynthetic
import Linalg

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return value }
    return v
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(0, &usage)  // RUSAGE_SELF
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let runs = argument("--runs", default: 240)
let domains = argument("--domains", default: 39)
let repeats = argument("--repeats", default: 3)
let factors = 3, noise = 0.3

let mixture = SyntheticMixture(runs: runs, domains: domains, phases: 2, factors: factors, seed: 7)
/// The mixture file of `m` as the CLI reads it.
func parsedTable(_ m: SyntheticMixture) throws -> MixtureTable {
    try MixtureTable.parse(try CSVReader.parse(m.mixtureCSV, source: "mixture.csv"), source: "mixture.csv",
                           runColumn: "run_name", columnsPattern: nil)
}
let table = try parsedTable(mixture)
let theta = mixture.observedTheta(noise: noise)
let share = noise * noise / (1 + noise * noise)
var scores = [MixtureScore(name: "aggregate", label: "aggregate",
                           values: (0..<runs).map { r in (0..<factors).reduce(0.0) { $0 + theta[r, $1] } / Double(factors) },
                           noiseShare: nil)]
for j in 0..<factors {
    scores.append(MixtureScore(name: "theta_\(j + 1)", label: "factor \(j + 1)", values: theta.column(j), noiseShare: share))
}

var best = Double.infinity, bestCPU = Double.infinity
var proposals = 0
for _ in 0..<repeats {
    let cpu0 = cpuSeconds()
    let start = ContinuousClock.now
    let analysis = try MixtureStudy.run(table: table, runNames: mixture.runNames, scores: scores, options: MixtureOptions())
    let wall = WallClock.seconds(ContinuousClock.now - start)
    best = min(best, wall)
    bestCPU = min(bestCPU, cpuSeconds() - cpu0)
    proposals = analysis.proposals.count
}
print("| runs | weight columns | scores | proposals | best wall (s) | CPU (s) | target |")
print("|---:|---:|---:|---:|---:|---:|---|")
print("| \(runs) | \(2 * domains) | \(scores.count) | \(proposals) | \(String(format: "%.2f", best)) | \(String(format: "%.2f", bestCPU)) | < 2 s |")

// --coverage S: how often the effects' 95% bootstrap intervals cover the true linear
// coefficients (centered within each phase, the identifiable part) over S synthetic sweeps.
let coverageSeeds = argument("--coverage", default: 0)
if coverageSeeds > 0 {
    var covered = 0, total = 0, excludedZeroTruthNonzero = 0, nonzero = 0
    for seed in 1...coverageSeeds {
        let m = SyntheticMixture(runs: runs, domains: domains, phases: 2, factors: factors, seed: UInt64(100 + seed))
        let t = try parsedTable(m)
        let th = m.observedTheta(noise: noise)
        let sc = (0..<factors).map { j in MixtureScore(name: "theta_\(j + 1)", label: "f", values: th.column(j), noiseShare: share) }
        var options = MixtureOptions()
        options.proposals = 0
        options.objective = .factor(1)
        options.seed = UInt64(seed)
        let analysis = try MixtureStudy.run(table: t, runNames: m.runNames, scores: sc, options: options)
        for j in 0..<factors {
            var expected = m.trueCoefficients.column(j)
            for p in 0..<2 {
                let block = p * domains..<(p + 1) * domains
                let mean = block.reduce(0.0) { $0 + expected[$1] } / Double(domains)
                for c in block { expected[c] -= mean }
            }
            for (c, column) in m.columnNames.enumerated() {
                guard let e = analysis.effects.first(where: { $0.score == "theta_\(j + 1)" && $0.column == column }) else { continue }
                total += 1
                if e.lower <= expected[c] && expected[c] <= e.upper { covered += 1 }
                if abs(expected[c]) > 0 { nonzero += 1; if e.lower > 0 || e.upper < 0 { excludedZeroTruthNonzero += 1 } }
            }
        }
    }
    print("effect intervals: \(covered)/\(total) = \(String(format: "%.1f", 100 * Double(covered) / Double(total)))% cover the true centered coefficient over \(coverageSeeds) sweeps; \(excludedZeroTruthNonzero)/\(nonzero) nonzero truths called (interval excludes 0)")
}

// --proposal-coverage S: how often a proposal's 95% interval of the predicted aggregate covers the
// true (noise-free) aggregate of its mixture, over S synthetic sweeps with the default options
// (seeds 501…; --first-seed F starts at 500 + F).
let proposalSeeds = argument("--proposal-coverage", default: 0)
if proposalSeeds > 0 {
    var covered = 0, total = 0, improved = 0, below = 0, above = 0
    var widthRatio = 0.0
    let firstSeed = argument("--first-seed", default: 1)
    for seed in firstSeed..<(firstSeed + proposalSeeds) {
        let m = SyntheticMixture(runs: runs, domains: domains, phases: 2, factors: factors, seed: UInt64(500 + seed))
        let t = try parsedTable(m)
        let th = m.observedTheta(noise: noise)
        var sc = [MixtureScore(name: "aggregate", label: "aggregate",
                               values: (0..<runs).map { r in (0..<factors).reduce(0.0) { $0 + th[r, $1] } / Double(factors) }, noiseShare: nil)]
        sc += (0..<factors).map { j in MixtureScore(name: "theta_\(j + 1)", label: "f", values: th.column(j), noiseShare: share) }
        var options = MixtureOptions()
        options.seed = UInt64(seed)
        let analysis = try MixtureStudy.run(table: t, runNames: m.runNames, scores: sc, options: options)
        let best = (0..<runs).map { m.trueAggregate(m.weights.row($0)) }.max()!
        for p in analysis.proposals {
            let w = m.columnNames.map { p.weights[$0] ?? 0 }
            let truth = m.trueAggregate(w)
            let interval = p.predicted["aggregate"]!
            total += 1
            if interval.lower <= truth && truth <= interval.upper { covered += 1 }
            if truth < interval.lower { below += 1 }
            widthRatio += interval.upper - interval.lower
            if truth > interval.upper { above += 1 }
            if truth > best { improved += 1 }
        }
    }
    print("proposal intervals: \(covered)/\(total) = \(String(format: "%.1f", 100 * Double(covered) / Double(max(total, 1))))% cover the true aggregate of the proposed mixture over \(proposalSeeds) sweeps (truth below the interval \(below), above \(above); mean width \(String(format: "%.3f", widthRatio / Double(max(total, 1))))); \(improved)/\(total) proposals beat the best observed run's true aggregate")
}
