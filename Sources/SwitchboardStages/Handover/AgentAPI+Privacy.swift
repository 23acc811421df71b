import Foundation
import Hummingbird
public import Logging
public import SwitchboardCore
public import SwitchboardKafka

/// What the supervisor API needs to export and erase customers.
public struct PrivacyOperations: Sendable {
    let privacy: CustomerPrivacy
    let kafka: KafkaConfiguration
    let producer: KafkaProducer
    let topics: TopicNames
    let logger: Logger

    public init(
        privacy: CustomerPrivacy, kafka: KafkaConfiguration, producer: KafkaProducer, topics: TopicNames,
        logger: Logger
    ) {
        self.privacy = privacy
        self.kafka = kafka
        self.producer = producer
        self.topics = topics
        self.logger = logger
    }
}

/// `DELETE /api/v1/agent/customers/{customer}`: what went.
struct ErasureView: Encodable {
    var deleted: [String: Int]
    var inFlightDrained: Bool

    enum CodingKeys: String, CodingKey {
        case deleted
        case inFlightDrained = "in_flight_drained"
    }
}

extension AgentAPI {
    /// Where a supervisor exports and erases customers of their tenant.
    public static let customersPath = "/api/v1/agent/customers"

    func addPrivacyRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = router.group(RouterPath(Self.customersPath))
        group.get("{customer}/export") { request, context in
            await supervisor(request) { caller in
                guard let privacy else { return .error(.serviceUnavailable, "export is not available here") }
                let customer = try Self.customerParameter(context)
                let export = try await privacy.privacy.export(tenantId: caller.tenantId, customerId: customer)
                guard export.documentCount > 0 else {
                    return .error(.notFound, "nothing is stored about this customer")
                }
                return .json(.ok, export)
            }
        }
        group.delete("{customer}") { request, context in
            await supervisor(request) { caller in
                guard let privacy else { return .error(.serviceUnavailable, "erasure is not available here") }
                let customer = try Self.customerParameter(context)
                let erased: CustomerPrivacy.Erased
                do {
                    erased = try await privacy.privacy.erase(
                        tenantId: caller.tenantId, customerId: customer, kafka: privacy.kafka,
                        producer: privacy.producer, topics: privacy.topics, logger: privacy.logger)
                } catch let error as KafkaError {
                    privacy.logger.warning("Erasure could not reach the broker", metadata: ["error": "\(error)"])
                    return .error(.serviceUnavailable, "the broker is unavailable; erase again")
                }
                privacy.logger.info(
                    "Customer erased by a supervisor",
                    metadata: ["tenant": "\(caller.tenantId)", "agent": "\(caller.agentId ?? "-")"])
                return .json(.ok, ErasureView(deleted: erased.deleted, inFlightDrained: erased.inFlightDrained))
            }
        }
    }

    private static func customerParameter(_ context: some RequestContext) throws -> String {
        guard let id = context.parameters.get("customer"), !id.isEmpty, id.count <= 128 else {
            throw HTTPError(.notFound)
        }
        return id
    }
}
