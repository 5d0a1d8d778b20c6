import ArgumentParser
import Foundation
import IRTModel

/// The options that define the aggregate and group its make-up (METHOD.md §8a),
/// an option group of `irt-report` (analyze).
public struct AggregateArguments: ParsableArguments {
    /// `--aggregate`'s values.
    public enum Kind: String, ExpressibleByArgument, Sendable {
        case mean, balanced
    }

    @Option(name: .customLong("aggregate"), help: ArgumentHelp(
        "How the factor scores θ are combined into the aggregate that ranks the runs: mean (c_j = 1/k) or balanced (factor weights that give each factor an equal share of the aggregate's variance across the sweep).",
        valueName: "mean|balanced"))
    public var aggregate: Kind = .mean

    @Option(name: .customLong("aggregate-weights"), parsing: .unconditional, help: ArgumentHelp(
        "Explicit factor weights of the aggregate, one per factor in θ order, normalized to sum 1 (e.g. 1,1,2,0); their sum must be positive (default: --aggregate).",
        valueName: "W1,…,Wk"))
    public var aggregateWeights: String?

    @Option(name: .customLong("task-group"), help: ArgumentHelp(
        "PATTERN=NAME: tasks whose name matches the glob PATTERN belong to group NAME in the aggregate's make-up; repeatable, the first matching rule wins (default: the task name before its first /).",
        valueName: "PATTERN=NAME"))
    public var taskGroups: [String] = []

    public init() {}

    public func validate() throws {
        if aggregateWeights != nil, aggregate != .mean {
            throw ValidationError("--aggregate-weights and --aggregate \(aggregate.rawValue) both define the aggregate; give one")
        }
        _ = try weights()
        _ = try groups()
    }

    /// The weights of `--aggregate-weights`, `nil` without it.
    ///
    /// - Throws: `ValidationError` (exit 2) for an entry that is not a finite number or a sum ≤ 0.
    func weights() throws(ValidationError) -> [Double]? {
        guard let aggregateWeights else { return nil }
        let fields = aggregateWeights.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Double] = []
        for (i, field) in fields.enumerated() {
            guard let x = Double(field), x.isFinite else {
                throw ValidationError("--aggregate-weights \(aggregateWeights): weight \(i + 1) (\"\(field)\") is not a finite number; expected one number per factor, e.g. --aggregate-weights 1,1,2")
            }
            values.append(x)
        }
        let sum = values.reduce(0, +)
        guard sum > 0 else {
            throw ValidationError("--aggregate-weights \(aggregateWeights): the weights sum to \(sum); they are normalized to sum 1, so their sum must be positive")
        }
        return values
    }

    /// The rules of `--task-group`.
    ///
    /// - Throws: `ValidationError` (exit 2) for a rule without `=`, pattern or name.
    func groups() throws(ValidationError) -> TaskGroups {
        var rules: [TaskGroups.Rule] = []
        for text in taskGroups {
            do throws(AnalysisError) {
                rules.append(try TaskGroups.Rule(parsing: text))
            } catch {
                throw ValidationError("--task-group \(text): \(error.description)")
            }
        }
        return TaskGroups(rules: rules)
    }

    /// The library's options for these arguments (after ``validate()``).
    var options: AggregateOptions {
        let definition: AggregateOptions.Definition
        if let w = try? weights() { definition = .weights(w) } else {
            definition = aggregate == .balanced ? .balanced : .mean
        }
        return AggregateOptions(definition: definition, taskGroups: (try? groups()) ?? TaskGroups())
    }
}
