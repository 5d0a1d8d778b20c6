import ArgumentParser
import Foundation
import IRTModel
import IRTSynthetic

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
            generated as z = Λ(θ + δ) + ε with Λ ≥ 0: θ ~ N(0, I) is the run's mixture \
            (its noise-free truth), δ ~ N(0, σ_s² I) the seed noise common to all tasks \
            (--seed-noise-theta, 0 by default) and ε ~ N(0, Ψ) the seed noise per task. \
            The noise file holds --noise-runs replicates of each of --replicate-mixtures \
            mixtures, differing only in δ and ε; --truth writes every run's θ and its \
            aggregate (the mean of θ). The same seed gives the same files; with the \
            defaults they are those of versions without these options.
            """)

    @Option(help: "Number of runs (rows).")
    var runs: Int = 1000

    @Option(help: "Number of tasks (metric columns).")
    var tasks: Int = 100

    @Option(help: "Number of latent factors.")
    var factors: Int = 3

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Replicate rows in the noise file, per replicated mixture.")
    var noiseRuns: Int = 10

    @Option(help: ArgumentHelp(
        "Seed noise common to all tasks: the sd σ_s of δ ~ N(0, σ_s² I_k), added to every run's θ (sweep and replicates), drawn afresh per run; ≥ 0.",
        discussion: "Replicates of one mixture then have Cov(z) = σ_s² ΛΛᵀ + Ψ, and the aggregate's seed noise has sd σ_s/√k. 0 adds none.",
        valueName: "SD"))
    var seedNoiseTheta: Double = 0

    @Option(help: ArgumentHelp(
        "Mixtures replicated in the noise file (--noise-runs rows each), between 1 and --runs.",
        discussion: "1: the mixture θ = (½, …, ½), rows noise_seed_<i>. M > 1: the true θ of sweep runs 1…M, rows <run>_seed_<i> and a replicate_group column naming the run.",
        valueName: "M"))
    var replicateMixtures: Int = 1

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

    @Option(help: ArgumentHelp(
        "Path of a CSV with the noise-free truth, run_name,theta_1…theta_k,aggregate (optional).",
        discussion: "aggregate is the mean of θ. Every sweep run, then, with --noise, every replicate row with its mixture's θ."))
    var truth: String?

    @Option(help: ArgumentHelp(
        "Draw a training mixture per run over D domains in each phase (Dirichlet per phase) and make θ a known function of it.",
        discussion: "Needs --mixture-out. θ_r = (g(w_r) − m)/s, g linear or saturating in the weights (--mixture-form); the sweep measures z = Λ(θ + δ) + ε as without a mixture, and --noise replicates run 1's mixture.",
        valueName: "D"))
    var mixtureDomains: Int?

    @Option(help: "Phases of the mixture (columns phase_<p>_domain_<d>), with --mixture-domains.")
    var phases: Int = 1

    @Option(help: "How θ depends on the mixture: linear (Σ B w) or saturating (Σ B (1 − exp(−w D))).")
    var mixtureForm: String = "linear"

    @Option(help: "The Dirichlet concentration α of every domain, > 0 (1: uniform on each phase's simplex).")
    var mixtureConcentration: Double = 1

    @Option(help: "Path of the mixture CSV to write: run_name and phase_<p>_domain_<d> weights (with --mixture-domains).")
    var mixtureOut: String?

    func validate() throws {
        if let d = mixtureDomains {
            guard d >= 2 else { throw ValidationError("--mixture-domains must be at least 2, got \(d)") }
            guard phases >= 1 else { throw ValidationError("--phases must be at least 1, got \(phases)") }
            guard SyntheticMixture.Form(rawValue: mixtureForm) != nil else {
                throw ValidationError("--mixture-form must be linear or saturating, got \(mixtureForm)")
            }
            guard mixtureConcentration.isFinite, mixtureConcentration > 0 else {
                throw ValidationError("--mixture-concentration must be a finite number > 0, got \(mixtureConcentration)")
            }
            guard mixtureOut != nil else { throw ValidationError("--mixture-domains needs --mixture-out PATH: the mixtures are written there") }
            guard runs >= 2 else { throw ValidationError("--mixture-domains needs --runs of at least 2, got \(runs)") }
            guard replicateMixtures == 1, nearZeroShare == 0, heywoodTasks == 0, theta == nil else {
                throw ValidationError("--mixture-domains writes θ from the mixture: --replicate-mixtures, --near-zero-share, --heywood-tasks and --theta do not apply (use --truth)")
            }
        } else if mixtureOut != nil || phases != 1 || mixtureForm != "linear" || mixtureConcentration != 1 {
            throw ValidationError("--phases, --mixture-form, --mixture-concentration and --mixture-out need --mixture-domains D")
        }
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
        guard seedNoiseTheta.isFinite, seedNoiseTheta >= 0 else {
            throw ValidationError("--seed-noise-theta must be a finite number ≥ 0, got \(seedNoiseTheta)")
        }
        guard replicateMixtures >= 1, replicateMixtures <= runs else {
            throw ValidationError("--replicate-mixtures must be between 1 and --runs (\(runs)), got \(replicateMixtures)")
        }
        guard replicateMixtures == 1 || noise != nil else {
            throw ValidationError("--replicate-mixtures \(replicateMixtures) needs --noise PATH: the replicates are written to the noise file")
        }
    }

    func run() throws {
        if let domains = mixtureDomains, let mixtureOut {
            let mixture = SyntheticMixture(runs: runs, domains: domains, phases: phases, factors: factors, seed: seed,
                                           form: SyntheticMixture.Form(rawValue: mixtureForm)!,
                                           concentration: mixtureConcentration)
            try mixture.writeSweep(to: URL(fileURLWithPath: out), tasks: tasks, seedNoise: seedNoiseTheta)
            try mixture.writeMixture(to: URL(fileURLWithPath: mixtureOut))
            if let noise {
                try mixture.writeNoise(to: URL(fileURLWithPath: noise), tasks: tasks, seedNoise: seedNoiseTheta,
                                       replicates: noiseRuns)
            }
            if let truth { try mixture.writeTruth(to: URL(fileURLWithPath: truth)) }
            return
        }
        let sweep = SyntheticSweep(runs: runs, tasks: tasks, factors: factors, seed: seed, noiseRuns: noiseRuns,
                                   shape: .init(nearZeroCrossLoadings: nearZeroShare, heywoodTasks: heywoodTasks),
                                   seedNoiseTheta: seedNoiseTheta, replicateMixtures: replicateMixtures)
        try sweep.writeSweep(to: URL(fileURLWithPath: out))
        if let noise { try sweep.writeNoise(to: URL(fileURLWithPath: noise)) }
        if let theta { try sweep.writeTrueScores(to: URL(fileURLWithPath: theta)) }
        if let truth { try sweep.writeTruth(to: URL(fileURLWithPath: truth), includingReplicates: noise != nil) }
    }
}
