import ArgumentParser
import Foundation
import IRTMixture

/// The options of the mixture step (METHOD.md, "Mixtures"), an option group of
/// `irt-report analyze` (with `--mixture FILE.csv`) and of `irt-report mixture`.
public struct MixtureArguments: ParsableArguments {
    @Option(name: .customLong("mixture-run-column"), help: ArgumentHelp(
        "Column of the mixture file that names the runs, joined to the sweep's run names (default: --run-column, else run_name, else the mixture file's first non-numeric column).",
        valueName: "NAME"))
    public var runColumn: String?

    @Option(name: .customLong("mixture-columns"), help: ArgumentHelp(
        "Glob patterns of the mixture file's weight columns, separated by commas (* any run of characters, ? one character); columns named phase_<i>_<domain> form phases whose weights sum to 1 per run (default: every numeric column but the run column).",
        valueName: "PATTERN"))
    public var columns: String?

    @Option(name: .customLong("objective"), help: ArgumentHelp(
        "The score the proposals maximize: aggregate (the analysis' aggregate), balanced (the balanced aggregate) or factor:J (θ_J, 1-based).",
        valueName: "aggregate|balanced|factor:J"))
    public var objective: String = MixtureArguments.defaultObjective

    @Option(name: .customLong("reference-run"), help: ArgumentHelp(
        "The run no proposal may predict a factor below (default: the best matched run by aggregate).",
        valueName: "NAME"))
    public var referenceRun: String?

    @Option(name: .customLong("max-tv"), parsing: .unconditional, help: ArgumentHelp(
        "Trust region: the largest total-variation distance (per phase, averaged) from a proposal to the nearest observed mixture, in (0, 1].",
        valueName: "D"))
    public var maxTV: Double = MixtureOptions().maxTV

    @Option(name: .customLong("proposals"), parsing: .unconditional, help: ArgumentHelp(
        "How many diverse mixtures to propose (0: none, only predictability and effects).",
        valueName: "N"))
    public var proposals: Int = MixtureOptions().proposals

    @Option(name: .customLong("mixture-bootstrap"), parsing: .unconditional, help: ArgumentHelp(
        "Resamples of the runs behind the effects' 95% intervals and the proposals' Thompson-style refits.",
        valueName: "N"))
    public var bootstrap: Int = MixtureOptions().bootstrap

    public init() {}

    /// `--objective`'s default.
    static let defaultObjective = "aggregate"

    /// The most proposals and resamples accepted.
    static let maximumProposals = 100
    static let maximumBootstrap = 10_000

    public func validate() throws {
        if let runColumn, runColumn.isEmpty {
            throw ValidationError("--mixture-run-column needs a column name of the mixture file, e.g. --mixture-run-column run_name")
        }
        if let columns, columns.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--mixture-columns needs a column-name pattern (got an empty one), e.g. --mixture-columns 'phase_*'")
        }
        try Self.checkObjectiveSyntax(objective)
        if let referenceRun, referenceRun.isEmpty {
            throw ValidationError("--reference-run needs a run name of the sweep (got an empty one); omit it to take the best matched run by aggregate")
        }
        guard maxTV.isFinite, maxTV > 0, maxTV <= 1 else {
            throw ValidationError("--max-tv must be in (0, 1] (got \(maxTV)); it is the total-variation distance a proposal may move from the nearest observed mixture, e.g. 0.25")
        }
        guard (0...Self.maximumProposals).contains(proposals) else {
            throw ValidationError("--proposals must be between 0 and \(Self.maximumProposals) (got \(proposals))")
        }
        guard (1...Self.maximumBootstrap).contains(bootstrap) else {
            throw ValidationError("--mixture-bootstrap must be between 1 and \(Self.maximumBootstrap) (got \(bootstrap)); 200 resamples give the intervals' ends to about ±1 percentage point")
        }
    }

    /// Checks the form of `--objective` before anything is read (J against k is checked once k is known).
    ///
    /// - Throws: `ValidationError` (exit 2) naming the accepted forms.
    static func checkObjectiveSyntax(_ text: String) throws(ValidationError) {
        if text == "aggregate" || text == "balanced" { return }
        if text.hasPrefix("factor:"), let j = Int(text.dropFirst("factor:".count)), j >= 1 { return }
        throw ValidationError("--objective \(text): expected aggregate, balanced or factor:J with J a factor number from 1 (e.g. --objective factor:2)")
    }

    /// Whether the balanced aggregate is a score of the study (it is when it is the objective).
    var wantsBalanced: Bool { objective == "balanced" }

    /// The library's options: `seed` is the analysis' `--seed`; `factors` is k.
    ///
    /// - Throws: ``MixtureError/invalidObjective(_:)`` for a factor J above k.
    func options(seed: UInt64, factors: Int) throws(MixtureError) -> MixtureOptions {
        var options = MixtureOptions()
        options.seed = seed
        options.proposals = proposals
        options.maxTV = maxTV
        options.bootstrap = bootstrap
        options.referenceRun = referenceRun
        options.objective = try MixtureObjective(parsing: objective, factors: factors)
        return options
    }
}
