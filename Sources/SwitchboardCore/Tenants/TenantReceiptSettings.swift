/// A tenant's read receipts and typing indicators, from the tenants file (`receipts:`). Both default to off:
/// a read receipt tells the customer something ("seen") a business may not want to say, so it is chosen.
public struct TenantReceiptSettings: Sendable, Hashable, Codable {
    /// `read`: the bot's and agents' read receipts for the customer's messages. Default false.
    public var read: Bool
    /// `typing`: typing indicators while an agent writes (and while a slow bot engine works). Default false.
    public var typing: Bool

    public init(read: Bool = false, typing: Bool = false) {
        self.read = read
        self.typing = typing
    }

    /// Of `actions`, those this tenant sends, in order.
    public func allowed(_ actions: [SenderAction]) -> [SenderAction] {
        actions.filter { action in
            switch action {
            case .read: read
            case .typing: typing
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case read, typing
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        read = try container.decodeIfPresent(Bool.self, forKey: .read) ?? false
        typing = try container.decodeIfPresent(Bool.self, forKey: .typing) ?? false
    }
}
