// C3.3: audit events carry pseudonymous ids, categories and codes; anything that looks
// like personal data is refused before it reaches the log, and the refusal names only
// the property.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../platform/errors/index.js';
import { assertAuditEvent, auditEventProblem, type AuditEvent } from './index.js';

const sound: AuditEvent = {
  occurredAt: new Date('2026-03-01T10:00:00Z'),
  actorId: 'stf_0123456789abcdefghjkmnpqrs',
  actorRole: 'privacy_officer,support_agent',
  action: 'customer.read',
  purpose: 'customer_support',
  subjectId: 'cus_0123456789abcdefghjkmnpqrs',
  categories: ['registration.email', 'registration.name'],
  decision: 'masked',
  requestId: 'req-42',
  outcome: 'success',
  detail: { fields: 2, code: 'ACCESS_DENIED', partial: false },
};

describe('audit event checks', () => {
  it('accepts a sound event, with or without detail, subject, purpose and request id', () => {
    expect(auditEventProblem(sound)).toBeUndefined();
    const { detail, ...bare } = sound;
    expect(detail).toBeDefined();
    expect(auditEventProblem({ ...bare, purpose: null, subjectId: null, requestId: null })).toBe(
      undefined,
    );
    expect(auditEventProblem({ ...sound, actorId: 'system:retention', actorRole: 'system' })).toBe(
      undefined,
    );
    expect(auditEventProblem({ ...sound, action: 'route.GET /admin/customers/:id' })).toBe(
      undefined,
    );
  });

  it.each<[string, Partial<Record<keyof AuditEvent, unknown>>]>([
    ['occurredAt', { occurredAt: new Date(Number.NaN) }],
    ['occurredAt', { occurredAt: '2026-03-01' }],
    ['actorId', { actorId: 'jane.doe@example.test' }],
    ['actorId', { actorId: 'Jane Doe' }],
    ['actorId', { actorId: '' }],
    ['actorRole', { actorRole: 'Support Agent' }],
    ['action', { action: 'mailed jane@example.test' }],
    ['action', { action: 'line\nbreak' }],
    ['action', { action: '' }],
    ['purpose', { purpose: 'curiosity' }],
    ['subjectId', { subjectId: 'jane@example.test' }],
    ['categories', { categories: ['registration.email', 'favourite.colour'] }],
    ['categories', { categories: 'registration.email' }],
    ['decision', { decision: 'allow' }],
    ['requestId', { requestId: 'a b' }],
    ['outcome', { outcome: 'ok' }],
    ['detail', { detail: ['a'] }],
    ['detail', { detail: { 'bad key': 1 } }],
    ['detail.email', { detail: { email: 'jane@example.test' } }],
    ['detail.nested', { detail: { nested: { a: 1 } } }],
    ['detail.ratio', { detail: { ratio: Number.POSITIVE_INFINITY } }],
  ])('refuses a bad %s', (property, change) => {
    const event = { ...sound, ...change } as AuditEvent;
    expect(auditEventProblem(event)).toBe(property);
    let thrown: unknown;
    try {
      assertAuditEvent(event);
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && thrown.code).toBe('AUDIT_EVENT_INVALID');
    expect(isAppError(thrown) && thrown.details).toEqual({ property });
    // The refused value is never repeated in the error.
    expect(JSON.stringify(thrown) + String(thrown)).not.toContain('example.test');
  });
});
