/**
 * Category update documents (companies, product families, products, classifications) in the shape
 * WSUS stores them (see ../shared/fixtures/update-metadata/…category-Company-Microsoft.xml): a
 * Category handler, IsInstalled True, and the parent category as an IsCategory prerequisite.
 * Published updates name their product and classification as prerequisites, so a catalog needs
 * these for clients to get past the first staging round.
 */
export type CategoryType = 'Company' | 'ProductFamily' | 'Product' | 'UpdateClassification';

export interface CategoryDocument {
  readonly updateId: string;
  readonly revisionNumber?: number;
  readonly title: string;
  readonly type: CategoryType;
  readonly parentId?: string;
}

const escape = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export function categoryDocumentXml(category: CategoryDocument): string {
  const relationships = category.parentId
    ? `<upd:Relationships><upd:Prerequisites><upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="${category.parentId}" /></upd:AtLeastOne></upd:Prerequisites></upd:Relationships>`
    : '';
  return (
    '<upd:Update xmlns:lar="http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules" xmlns:cat="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category" xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">' +
    `<upd:UpdateIdentity UpdateID="${category.updateId}" RevisionNumber="${category.revisionNumber ?? 100}" />` +
    '<upd:Properties DefaultPropertiesLanguage="en" IsPublic="true" UpdateType="Category" Handler="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category" PublicationState="Published" CreationDate="2026-01-01T00:00:00.000Z"></upd:Properties>' +
    `<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>${escape(category.title)}</upd:Title><upd:Description>${escape(category.title)}</upd:Description></upd:LocalizedProperties></upd:LocalizedPropertiesCollection>` +
    relationships +
    '<upd:ApplicabilityRules><upd:IsInstalled><lar:True /></upd:IsInstalled></upd:ApplicabilityRules>' +
    `<upd:HandlerSpecificData xsi:type="cat:Category" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><cat:CategoryInformation CategoryType="${category.type}" ProhibitsSubcategories="false" ProhibitsUpdates="${category.type === 'Company' || category.type === 'ProductFamily'}" DisplayOrder="1" /></upd:HandlerSpecificData>` +
    '</upd:Update>'
  );
}
