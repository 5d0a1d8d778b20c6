// bench-gaps: what gaps in the data cost. Horn's analysis with a masked null
// against the complete one on synthetic sweeps, and the missing-data EM
// against the complete-data fit on the bundled sample with 20% of its task
// cells hidden. Best of 3 runs (ContinuousClock), one BLAS thread for Horn.
//
//   swift run -c release bench-gaps
import BenchSupport
import Foundation
import IRTModel
import IRTSynthetic
import Linalg

let clock = WallClock.clock
func seconds(_ d: Duration) -> Double { WallClock.seconds(d) }
func best<R>(runs: Int = 3, _ body: () throws -> R) rethrows -> (seconds: Double, result: R) {
    try WallClock.best(runs: runs, body)
}

/// The sample's completed runs with `fraction` of their task cells emptied (a seeded shuffle).
func hide(_ table: CSVTable, tasks: [String], fraction: Double, seed: UInt64) -> CSVTable {
    let columns = tasks.map { table.header.firstIndex(of: $0)! }
    let n = table.rows.count, p = columns.count
    var cells = Array(0..<(n * p))
    var rng = Xoshiro256StarStar(seed: seed)
    for i in stride(from: cells.count - 1, to: 0, by: -1) { cells.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
    var gappy = table
    for cell in cells.prefix(Int((fraction * Double(n * p)).rounded())) { gappy.rows[cell % n][columns[cell / n]] = "" }
    return gappy
}

print("IRTKit: the cost of gaps, \(ProcessInfo.processInfo.activeProcessorCount) cores, OpenBLAS kernels \(BLASThreading.coreName)")
print("")

// MARK: - Horn: masked null draws against complete ones

print("| Horn, 1 thread | draws | complete | 15% masked | ratio |")
print("|---|---:|---:|---:|---:|")
for (n, p) in [(242, 43), (1000, 200)] {
    let z = Inputs.syntheticZ(n: n, p: p, k: 3, seed: 1)
    let mask = SyntheticGaps.randomMask(rows: n, columns: p, fraction: 0.15, seed: 2)
    let gappy = SyntheticGaps.masked(z, mask)
    let draws = n > 500 ? 40 : 200
    let complete = try best { try ParallelAnalysis(z: z, draws: draws, seed: 42, threads: 1) }.seconds
    let withGaps = try best { try ParallelAnalysis(z: gappy, observed: mask, draws: draws, seed: 42, threads: 1) }.seconds
    print("| n = \(n), p = \(p) | \(draws) | \(String(format: "%.3f s", complete)) | \(String(format: "%.3f s", withGaps)) | \(String(format: "%.1f×", withGaps / complete)) |")
}
print("")

// MARK: - The missing-data EM on the sample

let noise = Inputs.sample().noise
let table = try CSVReader.read(contentsOf: Inputs.sampleSweepURL)
let status = table.header.firstIndex(of: "status")!
let keep = table.rows.indices.filter { table.rows[$0][status] == "completed" }
let completed = CSVTable(header: table.header, rows: keep.map { table.rows[$0] }, lines: keep.map { table.lines[$0] })
let tasks = TaskSelection.reference.taskColumns(in: table.header)
let options = AnalysisOptions(fit: FitOptions(factors: 4), rankDraws: 10, missing: .fit).withoutFitChecks

print("| sample 242 × 43, k = 4 | EM fit | map evaluations | per evaluation | whole analysis (no fit checks) |")
print("|---|---:|---:|---:|---:|")
for (name, matrix) in [("complete", EvalMatrix(table: completed, source: "sweep.csv")),
                       ("20% of cells hidden", EvalMatrix(table: hide(completed, tasks: tasks, fraction: 0.2, seed: 1),
                                                          source: "gappy.csv"))] {
    let prepared = try options.prepare(matrix).prepared
    let anchors = try NoiseFloor(sweep: prepared, noise: noise).noiseShare
    let fit = try best { try FactorModel(z: prepared.z, observed: prepared.observed, k: 4, anchors: anchors) }
    let iterations = fit.result.diagnostics.iterations
    let analysis = try best { try Analysis(sweep: matrix, noise: noise, options: options).run() }.seconds
    print("| \(name) | \(String(format: "%.3f s", fit.seconds)) | \(iterations) | \(String(format: "%.0f µs", fit.seconds / Double(iterations) * 1e6)) | \(String(format: "%.3f s", analysis)) |")
}
