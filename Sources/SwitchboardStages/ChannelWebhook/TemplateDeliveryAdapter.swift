public import SwitchboardCore

/// A channel adapter that can send a tenant's approved template in place of a reply: the outbound stage uses
/// it when the customer-service window is closed (``ServiceWindow``).
public protocol TemplateDeliveryAdapter: ResumableDeliveryAdapter {
    /// Sends `template` to the recipient of `envelope`, with its parameters filled from the reply's text, as the
    /// reply's one part (so a redelivery after it went out sends nothing).
    func deliverTemplate(
        _ template: WhatsAppTemplate, for envelope: Envelope, progress: DeliveryProgress
    ) async throws -> DeliveryOutcome
}
