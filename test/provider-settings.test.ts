// tenants:load checks a tenant's WhatsApp and call settings against the account's End User Messaging (the clients
// mocked with aws-sdk-client-mock in the shapes of the SMS and Voice v2 and Social API references): an identity
// that cannot call, a number not linked, a template missing, unapproved or not an authentication one are refused,
// naming the tenant and the field, before anything is written.
import {
  DescribeConfigurationSetsCommand,
  DescribePhoneNumbersCommand,
  DescribePoolsCommand,
  ListPoolOriginationIdentitiesCommand,
  type PhoneNumberInformation,
  PinpointSMSVoiceV2Client,
  ResourceNotFoundException as SmsVoiceNotFound,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  GetLinkedWhatsAppBusinessAccountPhoneNumberCommand,
  ListWhatsAppMessageTemplatesCommand,
  SocialMessagingClient,
  ResourceNotFoundException as SocialNotFound,
} from '@aws-sdk/client-socialmessaging';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { loadTenants } from '../infra/admin/load-tenants.ts';
import { providerProblems } from '../infra/admin/provider-settings.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { type Tenant, tenantSchema } from '../lib/tenants/schema.ts';
import { freshTable, scanAll } from './helpers/table.ts';

// Class-level: the loader creates its own clients, and these tests pass instances of the same classes.
const smsVoice = mockClient(PinpointSMSVoiceV2Client);
const social = mockClient(SocialMessagingClient);
const region = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const clients = { smsVoice: new PinpointSMSVoiceV2Client(region), social: new SocialMessagingClient(region) };
afterAll(() => {
  smsVoice.restore();
  social.restore();
});

const NUMBER_ID = `phone-number-id-${'0123456789abcdef'.repeat(2)}`;
const WABA = `waba-${'a'.repeat(32)}`;
const notFound = (Class: typeof SmsVoiceNotFound | typeof SocialNotFound) =>
  new Class({ message: 'Resource not found', $metadata: {} } as never);

/** A phone number as DescribePhoneNumbers lists it. */
const number = (phone: string, capabilities: string[], status = 'ACTIVE'): PhoneNumberInformation =>
  ({
    PhoneNumberArn: `arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-${phone.slice(1)}`,
    PhoneNumberId: `phone-${phone.slice(1)}`,
    PhoneNumber: phone,
    Status: status,
    IsoCountryCode: 'US',
    MessageType: 'TRANSACTIONAL',
    NumberCapabilities: capabilities,
    NumberType: 'TOLL_FREE',
    MonthlyLeasingPrice: '2.00',
    TwoWayEnabled: false,
    SelfManagedOptOutsEnabled: false,
    OptOutListName: 'Default',
    DeletionProtectionEnabled: false,
    CreatedTimestamp: new Date('2026-03-01T09:00:00Z'),
  }) as PhoneNumberInformation;

/** A template as ListWhatsAppMessageTemplates lists it. */
const template = (name: string, language: string, category = 'AUTHENTICATION', status = 'APPROVED') => ({
  templateName: name,
  templateLanguage: language,
  templateCategory: category,
  templateStatus: status,
  metaTemplateId: '1234567890',
});

const tenant = (settings: Record<string, unknown>): Tenant =>
  tenantSchema.parse({ id: 'shop', appName: 'Shop', mail: { from: 'no-reply@shop.example' }, ...settings });
const voice = (extra: Record<string, unknown> = {}) => ({
  voice: { originationIdentity: '+12065550100', allowedCountries: ['US'], ...extra },
});
const whatsapp = (templates: Record<string, { name: string; language: string }>, id = NUMBER_ID) => ({
  whatsapp: { originationPhoneNumberId: id, templates, allowedCountries: ['US'] },
});
const fields = async (tenants: Tenant[]) =>
  (await providerProblems(tenants, clients, 'eu-west-1')).map(({ field, message }) => `${field} ${message}`);

beforeEach(() => {
  smsVoice.reset();
  social.reset();
  smsVoice
    .on(DescribePhoneNumbersCommand)
    .resolves({ PhoneNumbers: [number('+12065550100', ['SMS', 'VOICE'])] });
  social
    .on(GetLinkedWhatsAppBusinessAccountPhoneNumberCommand)
    .resolves({ linkedWhatsAppBusinessAccountId: WABA });
  social
    .on(ListWhatsAppMessageTemplatesCommand)
    .resolves({ templates: [template('codegate_code', 'en_US'), template('codegate_code', 'zh_CN')] });
});

describe('voice: the origination identity and the configuration set', () => {
  it('a voice-capable, active number given as E.164 passes, found among the pages of the account', async () => {
    smsVoice
      .on(DescribePhoneNumbersCommand)
      .callsFake((input: { NextToken?: string }) =>
        input.NextToken
          ? { PhoneNumbers: [number('+12065550100', ['VOICE'])] }
          : { PhoneNumbers: [number('+12065550199', ['SMS'])], NextToken: 'p2' },
      );
    expect(await fields([tenant(voice())])).toEqual([]);
  });

  it.each([
    ['a number without VOICE', number('+12065550100', ['SMS']), 'cannot place calls (its capabilities: SMS)'],
    ['a number not yet active', number('+12065550100', ['VOICE'], 'PENDING'), 'is PENDING, not ACTIVE'],
    [
      'no such number in the account',
      number('+12065550101', ['VOICE']),
      'is no phone number or pool of this account in eu-west-1',
    ],
  ])('%s is refused naming voice.originationIdentity', async (_, listed, message) => {
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [listed] });
    expect(await fields([tenant(voice())])).toEqual([
      expect.stringContaining(`voice.originationIdentity ${message}`),
    ]);
  });

  it('a phone number id or a pool is read by its id; a pool calls when one of its numbers can', async () => {
    smsVoice
      .on(DescribePhoneNumbersCommand, { PhoneNumberIds: ['phone-12065550100'] })
      .resolves({ PhoneNumbers: [number('+12065550100', ['VOICE'])] });
    expect(await fields([tenant(voice({ originationIdentity: 'phone-12065550100' }))])).toEqual([]);
    smsVoice
      .on(DescribePhoneNumbersCommand, { PhoneNumberIds: ['phone-0000'] })
      .rejects(notFound(SmsVoiceNotFound));
    expect(await fields([tenant(voice({ originationIdentity: 'phone-0000' }))])).toEqual([
      expect.stringMatching(/^voice\.originationIdentity is no phone number or pool/),
    ]);
    smsVoice.on(DescribePoolsCommand).resolves({ Pools: [{ PoolId: 'pool-1', Status: 'ACTIVE' } as never] });
    smsVoice.on(ListPoolOriginationIdentitiesCommand).callsFake((input: { NextToken?: string }) => ({
      OriginationIdentities: [
        {
          OriginationIdentityArn: 'arn',
          OriginationIdentity: input.NextToken ? 'phone-2' : 'phone-1',
          IsoCountryCode: 'US',
          NumberCapabilities: input.NextToken ? ['VOICE'] : ['SMS'],
        },
      ],
      ...(input.NextToken ? {} : { NextToken: 'p2' }),
    }));
    expect(await fields([tenant(voice({ originationIdentity: 'pool-1' }))])).toEqual([]);
    smsVoice.on(ListPoolOriginationIdentitiesCommand).resolves({
      OriginationIdentities: [
        {
          OriginationIdentityArn: 'arn',
          OriginationIdentity: 'phone-1',
          IsoCountryCode: 'US',
          NumberCapabilities: ['SMS'],
        },
      ],
    });
    expect(await fields([tenant(voice({ originationIdentity: 'pool-1' }))])).toEqual([
      expect.stringMatching(/^voice\.originationIdentity cannot place calls \(its capabilities: SMS\)/),
    ]);
  });

  it('a sender ID is no caller; a configuration set the account does not have is refused', async () => {
    expect(await fields([tenant(voice({ originationIdentity: 'MyBrand' }))])).toEqual([
      expect.stringMatching(/^voice\.originationIdentity is neither a phone number/),
    ]);
    smsVoice.on(DescribeConfigurationSetsCommand).rejects(notFound(SmsVoiceNotFound));
    expect(await fields([tenant(voice({ configurationSetName: 'calls' }))])).toEqual([
      expect.stringMatching(/^voice\.configurationSetName "calls" is no SMS and Voice configuration set/),
    ]);
    smsVoice
      .on(DescribeConfigurationSetsCommand, { ConfigurationSetNames: ['calls'] })
      .resolves({ ConfigurationSets: [{ ConfigurationSetName: 'calls' } as never] });
    expect(await fields([tenant(voice({ configurationSetName: 'calls' }))])).toEqual([]);
  });
});

describe("WhatsApp: the number and its account's templates", () => {
  it('a linked number (by id or ARN) whose templates are approved authentication ones passes, read once per account', async () => {
    const arn = `arn:aws:social-messaging:eu-west-1:123456789012:phone-number-id/${'0123456789abcdef'.repeat(2)}`;
    const templates = {
      en: { name: 'codegate_code', language: 'en_US' },
      'zh-CN': { name: 'codegate_code', language: 'zh_CN' },
    };
    expect(
      await fields([tenant(whatsapp(templates)), { ...tenant(whatsapp(templates, arn)), id: 'shop2' }]),
    ).toEqual([]);
    expect(
      social
        .commandCalls(GetLinkedWhatsAppBusinessAccountPhoneNumberCommand)
        .map((call) => call.args[0].input.id),
    ).toEqual([NUMBER_ID, NUMBER_ID]);
    expect(social.commandCalls(ListWhatsAppMessageTemplatesCommand)).toHaveLength(1);
    expect(social.commandCalls(ListWhatsAppMessageTemplatesCommand)[0]?.args[0].input.id).toBe(WABA);
  });

  it.each([
    [
      { name: 'codegate_code', language: 'en_GB' },
      'names codegate_code (en_GB), a template the WhatsApp Business Account',
    ],
    [
      { name: 'promo', language: 'en_US' },
      'names a MARKETING template: codes go in an authentication template',
    ],
    [{ name: 'pending_code', language: 'en_US' }, 'names a template that is PENDING at Meta'],
  ])('%j is refused naming whatsapp.templates.en', async (wanted, message) => {
    social.on(ListWhatsAppMessageTemplatesCommand).callsFake((input: { nextToken?: string }) =>
      input.nextToken
        ? { templates: [template('pending_code', 'en_US', 'AUTHENTICATION', 'PENDING')] }
        : {
            templates: [template('codegate_code', 'en_US'), template('promo', 'en_US', 'MARKETING')],
            nextToken: 'p2',
          },
    );
    expect(await fields([tenant(whatsapp({ en: wanted }))])).toEqual([
      expect.stringContaining(`whatsapp.templates.en ${message}`),
    ]);
  });

  it('a number not linked to the account in the region is refused, and its templates are not read', async () => {
    social.on(GetLinkedWhatsAppBusinessAccountPhoneNumberCommand).rejects(notFound(SocialNotFound));
    expect(await fields([tenant(whatsapp({ en: { name: 'codegate_code', language: 'en_US' } }))])).toEqual([
      expect.stringMatching(
        /^whatsapp\.originationPhoneNumberId is no WhatsApp number linked to this account in eu-west-1/,
      ),
    ]);
    expect(social.commandCalls(ListWhatsAppMessageTemplatesCommand)).toHaveLength(0);
  });
});

describe('what the checks need', () => {
  it('a refused read names every action the loader needs and the policy that grants them', async () => {
    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    smsVoice.on(DescribePhoneNumbersCommand).rejects(denied);
    await expect(providerProblems([tenant(voice())], clients, 'eu-west-1')).rejects.toThrow(
      /^tenant shop: reading its WhatsApp and call settings from AWS End User Messaging failed \(AccessDeniedException: User is not authorized\): tenants:load needs sms-voice:DescribePhoneNumbers, .*social-messaging:ListWhatsAppMessageTemplates — the admin policy \(AdminPolicyArn\) of a stack deployed with -c channels/,
    );
  });

  it('any other failed read names the tenant and the error', async () => {
    const invalid = Object.assign(new Error('1 validation error detected'), { name: 'ValidationException' });
    social.on(GetLinkedWhatsAppBusinessAccountPhoneNumberCommand).rejects(invalid);
    await expect(
      providerProblems(
        [tenant(whatsapp({ en: { name: 'codegate_code', language: 'en_US' } }))],
        clients,
        'eu-west-1',
      ),
    ).rejects.toThrow(
      'tenant shop: reading its WhatsApp and call settings from AWS End User Messaging failed (ValidationException: 1 validation error detected)',
    );
  });

  it('tenants without WhatsApp or calls cost no call', async () => {
    expect(await fields([tenant({})])).toEqual([]);
    expect(smsVoice.calls()).toHaveLength(0);
    expect(social.calls()).toHaveLength(0);
  });
});

describe('tenants:load', () => {
  const PEPPER = 'provider-test-pepper-0123456789abcdef01234';
  const saved: Record<string, string | undefined> = {};
  const env = {
    PEPPER,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    // The table is DynamoDB Local's, reached as AWS's would be: without --endpoint, as a deployment is loaded.
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
  };
  beforeEach(() => {
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });
  const link = ['--link-base-url', 'https://verify.example.com'];

  it('refuses a deployment load whose WhatsApp and call settings would fail, naming each, and writes nothing', async () => {
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [number('+12065550100', ['SMS'])] });
    social
      .on(ListWhatsAppMessageTemplatesCommand)
      .resolves({ templates: [template('codegate_code', 'en_US')] });
    const { tableName, db } = await freshTable();
    await expect(loadTenants(['--file', DEMO_TENANTS_FILE, '--table', tableName, ...link])).rejects.toThrow(
      /these tenants would fail at run time:\n✖ tenant demo: voice\.originationIdentity cannot place calls[^\n]*\n✖ tenant demo: whatsapp\.templates\.zh-CN names codegate_code \(zh_CN\)/,
    );
    expect(await scanAll(db, tableName)).toEqual([]);
  });

  it('loads the same file once the account has what it names', async () => {
    const { tableName, db } = await freshTable();
    const summary = await loadTenants(['--file', DEMO_TENANTS_FILE, '--table', tableName, ...link]);
    expect(summary).toMatch(/^synced 2 tenant\(s\)/);
    expect(summary).not.toContain('not checked');
    expect(smsVoice.commandCalls(DescribePhoneNumbersCommand)).toHaveLength(1);
    expect((await scanAll(db, tableName)).some((item) => item.pk === 'TENANT#id#demo')).toBe(true);
  });

  it('without a region to check them in, the load stops and asks for --region', async () => {
    delete process.env.AWS_REGION;
    const saved = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    try {
      const { tableName } = await freshTable();
      await expect(loadTenants(['--file', DEMO_TENANTS_FILE, '--table', tableName, ...link])).rejects.toThrow(
        /checked in the table's region: give --region <region> \(or AWS_REGION\)/,
      );
      expect(smsVoice.calls()).toHaveLength(0);
    } finally {
      if (saved === undefined) delete process.env.AWS_CONFIG_FILE;
      else process.env.AWS_CONFIG_FILE = saved;
    }
  });

  it('with --endpoint (not a deployment) checks nothing against AWS, and says so', async () => {
    const { tableName } = await freshTable();
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [] });
    const summary = await loadTenants([
      '--file',
      DEMO_TENANTS_FILE,
      '--table',
      tableName,
      '--endpoint',
      inject('dynamodbEndpoint'),
      ...link,
    ]);
    expect(summary).toContain(
      'WhatsApp and call settings not checked against AWS End User Messaging (--endpoint: not a deployment)',
    );
    expect(smsVoice.calls()).toHaveLength(0);
    expect(social.calls()).toHaveLength(0);
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    expect(tenants.some((t) => t.voice)).toBe(true);
  });
});
