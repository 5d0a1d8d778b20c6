import ArgumentParser
import Foundation
import IRTModel

/// Writes a synthetic sweep (and optionally its replicate-noise file) with a
/// known factor structure, for benchmarks and recovery checks.
@main
struct IRTGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "irt-generate",
        abstract: "Write a synthetic evaluation sweep with a known non-negative factor structure.",
        discussion: """
            Rows are runs (run_name, status = completed), columns are tasks named \
            eval/paloma/synthetic_<j>/bpb holding bpb-like numbers (lower is better), \
            generated as z = Λθ + ε with Λ ≥ 0. The same seed gives the same files.
            """)

    @Option(help: "Number of runs (rows).")
    var runs: Int = 1000

    @Option(help: "Number of tasks (metric columns).")
    var tasks: Int = 100

    @Option(help: "Number of latent factors.")
    var factors: Int = 3

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Replicate rows in the noise file.")
    var noiseRuns: Int = 10

    @Option(help: "Share of the zero cross-loadings drawn near zero instead (0.001–0.011), in [0, 1].")
    var nearZeroShare: Double = 0

    @Option(help: "Heywood-prone tasks (the last ones): one loading on their own factor, uniqueness 0.002.")
    var heywoodTasks: Int = 0

    @Option(help: "Path of the sweep CSV to write.")
    var out: String

    @Option(help: "Path of the replicate-noise CSV to write (optional).")
    var noise: String?

    @Option(help: "Path of a CSV with the runs' true factor scores, run_name,theta_1…theta_k (optional).")
    var theta: String?

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
        guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1, got \(tasks)") }
        guard factors >= 1, factors <= tasks else {
            throw ValidationError("--factors must be between 1 and --tasks (\(tasks)), got \(factors)")
        }
        guard noiseRuns >= 0 else { throw ValidationError("--noise-runs must be non-negative, got \(noiseRuns)") }
        guard (0...1).contains(nearZeroShare) else {
            throw ValidationError("--near-zero-share must be between 0 and 1, got \(nearZeroShare)")
        }
        guard heywoodTasks >= 0 else { throw ValidationError("--heywood-tasks must be non-negative, got \(heywoodTasks)") }
    }

    func run() throws {
        let sweep = SyntheticSweep(runs: runs, tasks: tasks, factors: factors, seed: seed, noiseRuns: noiseRuns,
                                   shape: .init(nearZeroCrossLoadings: nearZeroShare, heywoodTasks: heywoodTasks))
        try sweep.writeSweep(to: URL(fileURLWithPath: out))
        if let noise { try sweep.writeNoise(to: URL(fileURLWithPath: noise)) }
        if let theta { try sweep.writeTrueScores(to: URL(fileURLWithPath: theta)) }
    }
}
