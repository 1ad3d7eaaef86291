import type { PageDriver } from '../driver';
import { SITE } from './site';

export const BUSINESS_HOME_SELECTORS = {
  path: (businessId: string): string => SITE.businessPath(businessId),
  businessId: 'Business ID',
  businessName: 'Business name',
} as const;

const S = BUSINESS_HOME_SELECTORS;

/** Business Manager's home for one business: name and Business ID under "Business information". */
export class BusinessHomePage {
  constructor(private readonly driver: PageDriver) {}

  async read(businessId: string): Promise<{ id: string; name: string }> {
    const reading = await this.driver.open(S.path(businessId), {
      description: `the Business Manager home of business ${businessId}`,
      businessId,
      is: (r) => r.fields[S.businessId] === businessId,
    });
    return { id: businessId, name: reading.fields[S.businessName] ?? reading.h1 };
  }
}
