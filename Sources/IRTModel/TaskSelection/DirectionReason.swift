/// Why a selected task is read in the direction it is (``TaskSelection/Direction``),
/// so that a report can show every sign flip and its cause.
///
/// The rules, first match wins (``TaskSelection``):
/// 1. ``explicitRule(pattern:direction:)``: a `higher_is_better` / `lower_is_better`
///    pattern of the selection matches the task's name;
/// 2. ``referencePreset``: the reference preset chose the task (bits per byte, lower is better);
/// 3. ``nameToken(_:)``: a whole token of the name (split on non-alphanumerics
///    and at camelCase boundaries, case-insensitive) is one of
///    ``TaskSelection/lowerIsBetterTokens`` (`loss`, `bpb`, `perplexity`, `ppl`,
///    `nll`, `error`, `err`, `wer`, `cer`, `brier`), or tokens spell
///    `bits per byte`: lower is better;
/// 4. ``defaultHigher``: otherwise higher is better (accuracies, scores).
///
/// JSON (snake_case, as in `result.json`):
///
/// ```json
/// {"rule": "explicit", "pattern": "*_acc", "direction": "higher_is_better"}
/// {"rule": "name_token", "token": "bpb"}
/// {"rule": "reference_preset"}
/// {"rule": "default_higher"}
/// ```
public enum DirectionReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A direction pattern of the selection matched the name.
    case explicitRule(pattern: String, direction: TaskSelection.Direction)
    /// A token of the name says lower is better (the token, lower-cased).
    case nameToken(String)
    /// Chosen by the reference preset, whose tasks are all bits per byte.
    case referencePreset
    /// No rule and no telling token: higher is better.
    case defaultHigher

    public var description: String {
        switch self {
        case let .explicitRule(pattern, direction):
            "explicit rule \(direction == .higherIsBetter ? "higher" : "lower")-is-better \"\(pattern)\""
        case let .nameToken(token):
            "name token \"\(token)\""
        case .referencePreset:
            "reference preset (bits per byte)"
        case .defaultHigher:
            "default (higher is better)"
        }
    }

    private enum CodingKeys: String, CodingKey { case rule, pattern, direction, token }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .rule) {
        case "explicit":
            self = .explicitRule(pattern: try c.decode(String.self, forKey: .pattern),
                                 direction: try c.decode(TaskSelection.Direction.self, forKey: .direction))
        case "name_token":
            self = .nameToken(try c.decode(String.self, forKey: .token))
        case "reference_preset":
            self = .referencePreset
        case "default_higher":
            self = .defaultHigher
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .rule, in: c,
                debugDescription: "unknown direction rule \"\(other)\"; expected explicit, name_token, reference_preset or default_higher")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .explicitRule(pattern, direction):
            try c.encode("explicit", forKey: .rule)
            try c.encode(pattern, forKey: .pattern)
            try c.encode(direction, forKey: .direction)
        case let .nameToken(token):
            try c.encode("name_token", forKey: .rule)
            try c.encode(token, forKey: .token)
        case .referencePreset:
            try c.encode("reference_preset", forKey: .rule)
        case .defaultHigher:
            try c.encode("default_higher", forKey: .rule)
        }
    }
}
