// The two tenants-file examples docs/tenants.md shows (scripts/tenants-doc.ts renders them; test/tenants-doc.test.ts
// loads both as real tenants files, so an example that stops being valid fails the suite).

/** A tenant with nothing but what it needs: email by the native API, email-only by choice. */
export const MINIMAL_EXAMPLE = {
  tenants: [
    {
      id: 'shop',
      appName: 'Shop',
      apiKeySha256: ['4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945'],
      mail: { from: 'Shop <no-reply@shop.example>' },
      sms: { allowedCountries: [] },
    },
  ],
};

/** A tenant using every dialect and most settings (its secrets are examples: never reuse them). */
export const FULL_EXAMPLE = {
  tenants: [
    {
      id: 'acme',
      appName: 'Acme',
      defaultLocale: 'en',
      aliases: {
        userDomains: ['C.ACME.0001.1'],
        clientIds: ['acmeClient0000000000000000000001'],
        hosts: ['verify.acme.example'],
      },
      allowedOrigins: ['https://app.acme.example'],
      apiKeySha256: ['4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b946'],
      userDomainSecret: 'replace-with-a-random-secret-0001',
      sessionTokenSecret: 'replace-with-a-random-secret-0002',
      mail: {
        from: 'Acme <no-reply@mail.acme.example>',
        linkBaseUrl: 'https://verify.acme.example',
        resetUrl: 'https://app.acme.example/password/reset',
        linkValiditySeconds: 1800,
      },
      sms: {
        senderId: 'Acme',
        originationNumber: '+12065550100',
        allowedCountries: ['US', 'GB'],
        dailyBudget: 500,
        maxPrice: '0.50',
        enterprise: {
          signatureId: 'sig-acme',
          templateId: 'tpl-acme',
          accounts: [{ id: 'acct-acme', owner: 'acme' }],
          signatures: [{ id: 'sig-acme', accountId: 'acct-acme', type: 'verification', owner: 'acme' }],
          templates: [{ id: 'tpl-acme', accountId: 'acct-acme', type: 'verification', owner: 'acme' }],
        },
      },
      whatsapp: {
        originationPhoneNumberId: 'phone-number-id-0123456789abcdef0123456789abcdef',
        templates: { en: { name: 'acme_code', language: 'en_US' } },
        allowedCountries: ['US', 'GB'],
        dailyBudget: 500,
      },
      voice: { originationIdentity: '+12065550100', allowedCountries: ['US'], dailyBudget: 100 },
      codes: { length: 6, ttlSeconds: { email: 600, sms: 300 }, maxAttempts: 5 },
      limits: { cooldownSeconds: 60, perAddress: { limit: 5, windowSeconds: 600 } },
      templates: {
        en: {
          login: {
            subject: '{app}: your sign-in code',
            text: 'Your {app} code to {action} is {code}. It expires in {minutes} minutes.',
          },
        },
      },
      accounts: [{ id: '42', email: 'user@acme.example', phone: '+12065550123' }],
      captcha: { perIp: { limit: 60, windowSeconds: 600 } },
      fresns: { templates: { email: [1, 2, 3, 4, 5, 6, 7, 8], sms: [1, 2, 3] } },
      twilio: {
        accounts: [
          {
            accountSid: 'AC00000000000000000000000000000a01',
            authTokenSha256: 'a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8',
          },
        ],
        services: [{ sid: 'VA00000000000000000000000000000a01', friendlyName: 'Acme', codeLength: 6 }],
        validitySeconds: 600,
      },
    },
  ],
};
