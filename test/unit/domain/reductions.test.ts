import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAndCompile } from '../../../definitions/compile';
import { reduction, reductions } from '../../../domain/reductions';
import { edition2Definition, item, validDefinition } from '../definitions/fixtures';

const bundle = (name: string) =>
  parseAndCompile(JSON.parse(readFileSync(new URL(`../../../definitions/bundles/${name}.json`, import.meta.url), 'utf8')));

// The expected figures are worked out by hand from the bundle files, not by the code under test.
describe('reductions', () => {
  it('gives the four reductions of open-restaurant, the conditional tobacco permit included', () => {
    // items: business-licence, food-permit, outdoor-sign, fire-check, tobacco-permit (conditional)
    // time before = statutory 3 + 10 + 20 + 10 + 20 = 63
    // time after = critical path on promised days: business-licence 3 + outdoor-sign 7 = 10
    //   (food-permit 5, fire-check 5 and tobacco-permit 5 run beside outdoor-sign)
    //   63 - 10 = 53; 53 / 63 = 84.13% → 84.1
    // materials before = 2 (id card, premises) + 4 (business licence, id card, layout, food-safety rules)
    //   + 3 (business licence, premises, sign design) + 3 (business licence, id card, fire plan)
    //   + 2 (business licence, id card) = 14
    // distinct = applicant-id-card, premises-proof, business-licence, food-premises-layout,
    //   food-safety-rules, sign-design, fire-safety-plan = 7
    // electronic licences among them: applicant-id-card, business-licence → after = 7 - 2 = 5
    //   14 - 5 = 9; 9 / 14 = 64.29% → 64.3
    // steps before = 3 + 4 + 3 + 4 + 4 = 18; after = bundle steps 2; 16 / 18 = 88.89% → 88.9
    // trips before = 2 + 2 + 2 + 2 + 2 = 10; after = bundle trips 1; 9 / 10 = 90%
    expect(reductions(bundle('open-restaurant'))).toEqual({
      bundleId: 'open-restaurant',
      version: 1,
      items: 5,
      time: { before: 63, after: 10, reduction: 53, reductionPercent: 84.1 },
      materials: { before: 14, after: 5, reduction: 9, reductionPercent: 64.3, distinct: 7 },
      steps: { before: 18, after: 2, reduction: 16, reductionPercent: 88.9 },
      trips: { before: 10, after: 1, reduction: 9, reductionPercent: 90 },
    });
  });

  it('gives the four reductions of enterprise-startup, the conditional employer items included', () => {
    // items: business-registration, seal-engraving, tax-invoicing, social-insurance (conditional),
    //   housing-fund (conditional), bank-account
    // time before = statutory 3 + 3 + 5 + 15 + 5 + 2 = 33
    // time after = business-registration 1 + any of the five parallel items 1 = 2
    //   33 - 2 = 31; 31 / 33 = 93.94% → 93.9
    // materials before = 3 (id card, articles, premises) + 2 (licence, id card) + 2 (licence, id card)
    //   + 1 (licence) + 1 (licence) + 2 (licence, id card) = 11
    // distinct = legal-rep-id-card, articles-of-association, premises-proof, business-licence = 4
    // electronic licences: legal-rep-id-card, business-licence → after = 4 - 2 = 2
    //   11 - 2 = 9; 9 / 11 = 81.82% → 81.8
    // steps before = 3 × 6 = 18; after = 2; 16 / 18 = 88.89% → 88.9
    // trips before = 2 + 2 + 2 + 1 + 1 + 1 = 9; after = 1; 8 / 9 = 88.89% → 88.9
    expect(reductions(bundle('enterprise-startup'))).toEqual({
      bundleId: 'enterprise-startup',
      version: 1,
      items: 6,
      time: { before: 33, after: 2, reduction: 31, reductionPercent: 93.9 },
      materials: { before: 11, after: 2, reduction: 9, reductionPercent: 81.8, distinct: 4 },
      steps: { before: 18, after: 2, reduction: 16, reductionPercent: 88.9 },
      trips: { before: 9, after: 1, reduction: 8, reductionPercent: 88.9 },
    });
  });

  it('gives the four reductions of newborn, down to no trip at all', () => {
    // time before = 5 + 5 + 5 + 20 + 1 = 36
    // time after = birth-certificate 1 + household-registration 2 + medical-insurance or social-security-card 2 = 5
    //   (vaccination-record: 1 + 0); 31 / 36 = 86.11% → 86.1
    // materials before = 1 + 4 + 1 + 3 + 1 = 10; distinct = parents-id-cards, birth-medical-certificate,
    //   household-book, marriage-certificate, child-photo = 5; all but child-photo are electronic licences
    //   → after = 1; 9 / 10 = 90%
    // steps before = 3 + 3 + 3 + 3 + 2 = 14; after = 1; 13 / 14 = 92.86% → 92.9
    // trips before = 1 + 1 + 1 + 2 + 1 = 6; after = 0; 100%
    expect(reductions(bundle('newborn'))).toEqual({
      bundleId: 'newborn',
      version: 1,
      items: 5,
      time: { before: 36, after: 5, reduction: 31, reductionPercent: 86.1 },
      materials: { before: 10, after: 1, reduction: 9, reductionPercent: 90, distinct: 5 },
      steps: { before: 14, after: 1, reduction: 13, reductionPercent: 92.9 },
      trips: { before: 6, after: 0, reduction: 6, reductionPercent: 100 },
    });
  });

  it('gives the four reductions of enterprise-deregistration, counting its filings as filings', () => {
    // items: tax-deregistration, customs-deregistration (filing, conditional), liquidation-filing (filing,
    //   conditional), enterprise-deregistration, social-insurance-deregistration, bank-account-closure
    //   (filing, conditional), seal-deregistration (filing)
    // time before = statutory 10 + 1 + 0 + 3 + 1 + 1 + 1 = 17
    // time after = critical path: tax-deregistration 10 (liquidation-filing 0 → deregistration 1 →
    //   social insurance 1 = 2 beside it; the filings take their check periods: customs 1, the others 0;
    //   the 20- and 45-day notices are not counted in the limits); 7 / 17 = 41.18% → 41.2
    // materials before = 2 + 1 + 1 + 4 + 2 + 2 + 2 = 14 (conditional ones count: the widest application)
    // distinct = business-licence, legal-rep-id-card, liquidation-group-list, shareholder-resolution,
    //   investors-commitment, liquidation-report, social-insurance-certificate, enterprise-seals = 8;
    //   electronic licences: business-licence, legal-rep-id-card → after 6; 8 / 14 = 57.14% → 57.1
    // steps before = 3 + 1 + 1 + 5 + 3 + 1 + 1 = 15; after = applicantSteps 1; 14 / 15 = 93.33% → 93.3
    // trips before = 2 + 1 + 1 + 2 + 1 + 1 + 1 = 9; after 1; 8 / 9 = 88.89% → 88.9
    expect(reductions(bundle('enterprise-deregistration'))).toEqual({
      bundleId: 'enterprise-deregistration',
      version: 1,
      items: 7,
      filings: { always: ['customs-deregistration', 'liquidation-filing', 'bank-account-closure', 'seal-deregistration'], byCondition: [] },
      time: { before: 17, after: 10, reduction: 7, reductionPercent: 41.2 },
      materials: { before: 14, after: 6, reduction: 8, reductionPercent: 57.1, distinct: 8 },
      steps: { before: 15, after: 1, reduction: 14, reductionPercent: 93.3 },
      trips: { before: 9, after: 1, reduction: 8, reductionPercent: 88.9 },
    });
  });

  it('gives the four reductions of property-transfer-utilities, the contract filing merged into the transfer counted before', () => {
    // items: register-inquiry, transaction-tax, transfer-registration (absorbs the sale contract's online
    //   filing), water-transfer and power-transfer (filings by condition), gas-transfer and network-transfer
    //   (filings, conditional)
    // catalogue items before = 7 + 1 merged = 8, after 7; 1 / 8 = 12.5%
    // time before = statutory 0 + 1 + 30 + 1 + 1 + 1 + 0, + 5 for the merged filing = 39
    // time after = register-inquiry 0 → transaction-tax 1 → transfer-registration 3 → water or power
    //   (approvals for some: promised 1) or gas (check period 1) = 5; 34 / 39 = 87.18% → 87.2
    // materials before = 2 + 4 + 6 + 2 + 2 + 2 + 1, + 3 asked by the merged filing = 22
    // distinct = property-certificate, seller-id-card, buyer-id-card, sale-contract, only-home-proof,
    //   marriage-certificate, mortgage-release = 7; electronic licences: the certificate, both ID cards,
    //   the marriage certificate → after 3; 19 / 22 = 86.36% → 86.4
    // steps before = 1 + 3 + 4 + 3 + 3 + 2 + 1, + 2 = 19; after 1; 18 / 19 = 94.74% → 94.7
    // trips before = 1 + 1 + 2 + 1 + 1 + 1 + 1, + 1 = 9; after 1; 8 / 9 = 88.89% → 88.9
    expect(reductions(bundle('property-transfer-utilities'))).toEqual({
      bundleId: 'property-transfer-utilities',
      version: 1,
      items: 7,
      catalogueItems: { before: 8, after: 7, reduction: 1, reductionPercent: 12.5 },
      filings: { always: ['gas-transfer', 'network-transfer'], byCondition: ['water-transfer', 'power-transfer'] },
      time: { before: 39, after: 5, reduction: 34, reductionPercent: 87.2 },
      materials: { before: 22, after: 3, reduction: 19, reductionPercent: 86.4, distinct: 7 },
      steps: { before: 19, after: 1, reduction: 18, reductionPercent: 94.7 },
      trips: { before: 9, after: 1, reduction: 8, reductionPercent: 88.9 },
    });
  });

  it('reports 0% when there is nothing before, even if the bundle adds a step or a trip', () => {
    const definition = validDefinition();
    definition.items = [item('a', { statutoryDays: 0, promisedDays: 0, kind: 'instant', trips: 0, materials: [] })];
    definition.materials = [];
    definition.promisedDays = 0;
    definition.steps = 1;
    definition.trips = 1;
    const figures = reductions(parseAndCompile(definition));
    expect(figures.items).toBe(1);
    expect(figures.time).toEqual({ before: 0, after: 0, reduction: 0, reductionPercent: 0 });
    expect(figures.materials).toEqual({ before: 0, after: 0, reduction: 0, reductionPercent: 0, distinct: 0 });
    // One item of one step, bundled into one step: nothing gained, nothing lost.
    expect(figures.steps).toEqual({ before: 1, after: 1, reduction: 0, reductionPercent: 0 });
    // The item needed no trip, the bundle one: an increase, whose percentage is not defined on 0.
    expect(figures.trips).toEqual({ before: 0, after: 1, reduction: -1, reductionPercent: 0 });
  });

  it('counts a material shared by items once after, and once per item before', () => {
    const definition = validDefinition();
    definition.items = [
      item('a', { materials: ['id-card', 'lease'] }),
      item('b', { materials: ['lease'], dependsOn: ['a'] }),
      item('c', { materials: ['lease', 'id-card'], dependsOn: ['a'] }),
    ];
    definition.fields = [];
    definition.sections = [];
    const figures = reductions(parseAndCompile(definition));
    // before 2 + 1 + 2 = 5; distinct id-card, lease = 2; id-card is an electronic licence → after 1
    expect(figures.materials).toEqual({ before: 5, after: 1, reduction: 4, reductionPercent: 80, distinct: 2 });
  });

  it('shows an increase as a negative reduction', () => {
    expect(reduction(2, 3)).toEqual({ before: 2, after: 3, reduction: -1, reductionPercent: -50 });
  });

  it('rounds percentages half away from zero to one decimal', () => {
    expect(reduction(8, 7).reductionPercent).toBe(12.5); // exact
    expect(reduction(16, 15).reductionPercent).toBe(6.3); // 6.25 → 6.3
    expect(reduction(16, 17).reductionPercent).toBe(-6.3); // -6.25 → -6.3
    expect(reduction(3, 2).reductionPercent).toBe(33.3); // 33.33…
    expect(reduction(3, 1).reductionPercent).toBe(66.7); // 66.66…
    expect(reduction(5, 5).reductionPercent).toBe(0);
    expect(Object.is(reduction(5, 5).reductionPercent, -0)).toBe(false);
    expect(reduction(0, 0).reductionPercent).toBe(0);
  });

  it('counts merged catalogue items before the merge, with their limits, steps, trips and materials', () => {
    const definition = edition2Definition();
    definition.departments.push({ id: 'quality', name: { zh: '质监站', en: 'quality station' } });
    // b absorbs two catalogue items: one with its figures, one with its limit alone.
    definition.items[1]!.absorbs = [
      { code: '000131127005', title: { zh: '质量监督', en: 'quality' }, department: 'quality', statutoryDays: 10, steps: 3, trips: 2, materials: ['id-card', 'lease'] },
      { code: '000131127006', title: { zh: '安全监督', en: 'safety' }, department: 'quality', statutoryDays: 7 },
    ];
    const figures = reductions(parseAndCompile(definition));
    // Worked by hand: items a (3), b (5), c (5) statutory, plus 10 + 7 merged = 30 before; critical path a 1 + b 2 = 3.
    expect(figures.catalogueItems).toEqual({ before: 5, after: 3, reduction: 2, reductionPercent: 40 });
    expect(figures.time).toEqual({ before: 30, after: 3, reduction: 27, reductionPercent: 90 });
    // materials: a 2 + b 1 + c 0, plus the merged item's own 2 = 5; distinct id-card, lease, id-card fetched → 1 after
    expect(figures.materials).toEqual({ before: 5, after: 1, reduction: 4, reductionPercent: 80, distinct: 2 });
    // steps: 1 + 1 + 1 + 3 (the one without steps counts 0) = 6; applicant steps 1
    expect(figures.steps).toEqual({ before: 6, after: 1, reduction: 5, reductionPercent: 83.3 });
    // trips: 1 + 1 + 1 + 2 = 5; bundle 1
    expect(figures.trips).toEqual({ before: 5, after: 1, reduction: 4, reductionPercent: 80 });
    expect(figures.filings).toBeUndefined();
  });

  it('counts a filing as a filing: named, and on the critical path with its check period', () => {
    const definition = edition2Definition();
    definition.items[1]!.mode = 'filing';
    definition.items[1]!.result.kind = 'filing';
    definition.items[1]!.filing = { checkDays: 1 };
    definition.items[2]!.mode = 'filing';
    definition.items[2]!.filing = { when: { field: 'tobaccoDistance', lt: 50 }, receipt: { kind: 'filing', title: { zh: '备案回执', en: 'receipt' } } };
    const figures = reductions(parseAndCompile(definition));
    expect(figures.filings).toEqual({ always: ['b'], byCondition: ['c'] });
    // b is filed after a check period of 1 (not its promised 2); c may be an approval: 1 → a 1 + c 1 = 2.
    expect(figures.time).toEqual({ before: 13, after: 2, reduction: 11, reductionPercent: 84.6 });
    expect(figures.catalogueItems).toBeUndefined();
  });
});
