// Outlook contacts in Graph: /contactFolders, /contacts and /contactFolders/{id}/contacts/delta.
import {
  badMethod,
  findItem,
  GraphError,
  type GraphReply,
  itemIdOf,
  itemNotFound,
  selectFrom,
  selectionOf,
} from './graph-common.ts';
import {
  folderId,
  type Mailbox,
  type MailboxStore,
  newItem,
  type OutlookCall,
  type OutlookFolder,
  type OutlookItem,
} from './graph-mailbox.ts';
import {
  answer,
  context,
  EXTENDED_PROPERTIES,
  expandExtendedProperties,
  extendedPropertyFilter,
  filterEquals,
  listPage,
  matchesVersion,
  removedEntry,
  writable,
  writeExtendedProperties,
} from './graph-outlook.ts';

/** The contact resource's writable properties and what Outlook stores when they are not given. */
const CONTACT_DEFAULTS: Record<string, unknown> = {
  assistantName: null,
  birthday: null,
  businessAddress: {},
  businessHomePage: null,
  businessPhones: [],
  categories: [],
  children: [],
  companyName: null,
  department: null,
  displayName: null,
  emailAddresses: [],
  fileAs: '',
  generation: null,
  givenName: null,
  homeAddress: {},
  homePhones: [],
  imAddresses: [],
  initials: null,
  jobTitle: null,
  manager: null,
  middleName: null,
  mobilePhone: null,
  nickName: null,
  officeLocation: null,
  otherAddress: {},
  personalNotes: '',
  profession: null,
  spouseName: null,
  surname: null,
  title: null,
  yomiCompanyName: null,
  yomiGivenName: null,
  yomiSurname: null,
};

const ADDRESS_KEYS = ['street', 'city', 'state', 'countryOrRegion', 'postalCode'];

/** Checks a contact body as Graph's model binder does; answers the properties to store. */
function contactFields(input: Record<string, unknown>, partial: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (name.startsWith('@odata.') || ['id', 'changeKey', 'parentFolderId', EXTENDED_PROPERTIES].includes(name))
      continue;
    if (!(name in CONTACT_DEFAULTS)) {
      throw new GraphError(
        400,
        'RequestBodyRead',
        `The property '${name}' does not exist on type 'microsoft.graph.contact'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
    const expected = CONTACT_DEFAULTS[name];
    const wrong = Array.isArray(expected)
      ? !Array.isArray(value)
      : typeof expected === 'object' && expected !== null
        ? value !== null && (typeof value !== 'object' || Array.isArray(value))
        : value !== null && typeof value !== 'string';
    if (wrong) {
      throw new GraphError(
        400,
        'RequestBodyRead',
        `Cannot convert the literal '${JSON.stringify(value)}' for '${name}'.`,
      );
    }
    if (name === 'emailAddresses') {
      fields[name] = (value as unknown[]).map((entry) => {
        const email = (entry ?? {}) as Record<string, unknown>;
        return { name: email.name ?? email.address ?? null, address: email.address ?? null };
      });
    } else if (name.endsWith('Address') && typeof value === 'object') {
      const address = (value ?? {}) as Record<string, unknown>;
      fields[name] = Object.fromEntries(ADDRESS_KEYS.filter((key) => key in address).map((key) => [key, address[key]]));
    } else {
      fields[name] = value;
    }
  }
  if (!partial) return { ...structuredClone(CONTACT_DEFAULTS), ...fields };
  return fields;
}

/** Outlook's display name when none is given: given name and surname. */
function composeDisplayName(fields: Record<string, unknown>): void {
  if (fields.displayName) return;
  const name = [fields.givenName, fields.middleName, fields.surname].filter(Boolean).join(' ');
  fields.displayName = name || String(fields.companyName ?? '');
}

export function contactResource(item: OutlookItem, immutable: boolean): Record<string, unknown> {
  return {
    '@odata.etag': `W/"${item.changeKey}"`,
    id: itemIdOf(item.internalId, item.folderId, immutable),
    createdDateTime: item.createdDateTime,
    lastModifiedDateTime: item.lastModifiedDateTime,
    changeKey: item.changeKey,
    parentFolderId: item.folderId,
    ...item.fields,
  };
}

function folderResource(folder: OutlookFolder, mailbox: Mailbox): Record<string, unknown> {
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId ?? mailbox.defaultContactFolderId,
  };
}

/** Writes used by Graph's routes and by the control API ("as Outlook would"). */
export const contactWrites = {
  /** A checked new contact, not yet in a mailbox. */
  build(folder: string, input: Record<string, unknown>): OutlookItem {
    const fields = contactFields(input, false);
    composeDisplayName(fields);
    fields.fileAs ||= [fields.surname, fields.givenName].filter(Boolean).join(', ');
    const item = newItem(folder, fields);
    writeExtendedProperties(item, input);
    return item;
  },
  create(store: MailboxStore, mailbox: Mailbox, folder: string, input: Record<string, unknown>): OutlookItem {
    const item = contactWrites.build(folder, input);
    mailbox.contacts.set(item.internalId, item);
    store.changed(mailbox, 'contact', item, 'created');
    return item;
  },
  update(store: MailboxStore, mailbox: Mailbox, item: OutlookItem, patch: Record<string, unknown>): OutlookItem {
    Object.assign(item.fields, contactFields(patch, true));
    writeExtendedProperties(item, patch);
    if ('givenName' in patch || 'surname' in patch) {
      if (!('displayName' in patch)) item.fields.displayName = null;
      composeDisplayName(item.fields);
    }
    store.changed(mailbox, 'contact', item, 'updated');
    return item;
  },
  remove(store: MailboxStore, mailbox: Mailbox, item: OutlookItem): void {
    mailbox.contacts.delete(item.internalId);
    store.changed(mailbox, 'contact', item, 'deleted');
  },
  /** A drag to another folder in Outlook: the mutable id changes, the immutable one stays. */
  move(store: MailboxStore, mailbox: Mailbox, item: OutlookItem, folder: string): OutlookItem {
    if (!mailbox.contactFolders.has(folder)) throw itemNotFound();
    store.changed(mailbox, 'contact', item, 'deleted');
    item.folderId = folder;
    store.changed(mailbox, 'contact', item, 'created');
    return item;
  },
  createFolder(mailbox: Mailbox, displayName: string, parent?: string): OutlookFolder {
    const siblings = [...mailbox.contactFolders.values()].filter(
      (folder) =>
        (folder.parentFolderId ?? mailbox.defaultContactFolderId) === (parent ?? mailbox.defaultContactFolderId),
    );
    if (siblings.some((folder) => folder.displayName.toLowerCase() === displayName.toLowerCase())) {
      throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const folder: OutlookFolder = {
      id: folderId(),
      displayName,
      parentFolderId: parent ?? mailbox.defaultContactFolderId,
      isDefault: false,
    };
    mailbox.contactFolders.set(folder.id, folder);
    return folder;
  },
};

/** Finds a contact by either kind of id; a mutable id of an item that moved since finds nothing. */
export function findContact(mailbox: Mailbox, id: string, folder?: string): OutlookItem {
  return findItem(mailbox.contacts, id, folder);
}

function findFolder(mailbox: Mailbox, id: string): OutlookFolder {
  const folder = mailbox.contactFolders.get(id);
  if (!folder) throw itemNotFound();
  return folder;
}

/** Routes /contactFolders… and /contacts… of a mailbox; undefined when the path is none of them. */
export function contactRoutes(call: OutlookCall): GraphReply | undefined {
  const { path, mailbox, method } = call;
  const [first, second, third, fourth, ...more] = path;
  if (first === 'contacts') {
    if (second === undefined) return contactCollection(call, mailbox.defaultContactFolderId, 'contacts');
    if (second === 'delta' && third === undefined)
      return contactDelta(call, mailbox.defaultContactFolderId, 'contacts');
    if (third === undefined) return contactItem(call, second);
    return undefined;
  }
  if (first !== 'contactFolders') return undefined;
  if (second === undefined) {
    if (method === 'GET') {
      const folders = [...mailbox.contactFolders.values()].filter((folder) => !folder.isDefault);
      return answer(call, {
        '@odata.context': context(call, 'contactFolders'),
        value: filterEquals(
          call.query,
          folders.map((f) => folderResource(f, mailbox)),
          ['displayName'],
        ),
      });
    }
    if (method === 'POST') {
      writable(call, 'contact');
      const body = call.body();
      if (typeof body.displayName !== 'string' || body.displayName.trim() === '') {
        throw new GraphError(400, 'ErrorInvalidRequest', 'The folder display name is required.');
      }
      const parent = typeof body.parentFolderId === 'string' ? findFolder(mailbox, body.parentFolderId).id : undefined;
      const folder = contactWrites.createFolder(mailbox, body.displayName, parent);
      return answer(
        call,
        { '@odata.context': context(call, 'contactFolders/$entity'), ...folderResource(folder, mailbox) },
        undefined,
        201,
      );
    }
    throw badMethod();
  }
  const folder = findFolder(mailbox, second);
  if (third === undefined) {
    if (method === 'GET')
      return answer(call, {
        '@odata.context': context(call, 'contactFolders/$entity'),
        ...folderResource(folder, mailbox),
      });
    if (method === 'PATCH') {
      writable(call, 'contact');
      const body = call.body();
      if (typeof body.displayName === 'string' && body.displayName.trim() !== '') folder.displayName = body.displayName;
      return answer(call, {
        '@odata.context': context(call, 'contactFolders/$entity'),
        ...folderResource(folder, mailbox),
      });
    }
    if (method === 'DELETE') {
      writable(call, 'contact');
      if (folder.isDefault)
        throw new GraphError(403, 'ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.');
      for (const item of [...mailbox.contacts.values()]) {
        if (item.folderId === folder.id) contactWrites.remove(call.store, mailbox, item);
      }
      mailbox.contactFolders.delete(folder.id);
      return { status: 204 };
    }
    throw badMethod();
  }
  if (third !== 'contacts' || more.length > 0) return undefined;
  if (fourth === undefined) return contactCollection(call, folder.id, `contactFolders('${folder.id}')/contacts`);
  if (fourth === 'delta') return contactDelta(call, folder.id, `contactFolders/${folder.id}/contacts`);
  return contactItem(call, fourth, folder.id);
}

function contactCollection(call: OutlookCall, folder: string, contextPath: string): GraphReply {
  const { mailbox, preferences } = call;
  if (call.method === 'POST') {
    writable(call, 'contact');
    const item = contactWrites.create(call.store, mailbox, folder, call.body());
    return answer(
      call,
      { '@odata.context': context(call, 'contacts/$entity'), ...contactResource(item, preferences.immutableIds) },
      undefined,
      201,
    );
  }
  if (call.method !== 'GET') throw badMethod();
  const matches = extendedPropertyFilter(call.query) ?? (() => true);
  const items = [...mailbox.contacts.values()].filter((item) => item.folderId === folder && matches(item));
  return listPage(
    call,
    items,
    (item) => expandExtendedProperties(call.query, item, contactResource(item, preferences.immutableIds)),
    contextPath,
  );
}

function contactItem(call: OutlookCall, id: string, folder?: string): GraphReply {
  const { mailbox, store, preferences } = call;
  const item = findContact(mailbox, id, folder);
  if (call.method === 'GET') {
    return answer(call, {
      '@odata.context': context(call, 'contacts/$entity'),
      ...expandExtendedProperties(
        call.query,
        item,
        selectFrom(contactResource(item, preferences.immutableIds), selectionOf(call.query)),
      ),
    });
  }
  writable(call, 'contact');
  matchesVersion(call, item.changeKey);
  if (call.method === 'PATCH') {
    contactWrites.update(store, mailbox, item, call.body());
    return answer(call, {
      '@odata.context': context(call, 'contacts/$entity'),
      ...contactResource(item, preferences.immutableIds),
    });
  }
  if (call.method === 'DELETE') {
    contactWrites.remove(store, mailbox, item);
    return { status: 204 };
  }
  throw badMethod();
}

function contactDelta(call: OutlookCall, folder: string, linkPath: string): GraphReply {
  if (call.method !== 'GET') throw badMethod();
  const { mailbox, preferences } = call;
  const immutable = preferences.immutableIds;
  const { body, pageSize: size } = call.delta.page({
    scope: `contacts|${mailbox.tenantId}|${mailbox.userId}|${folder}|${immutable}`,
    query: call.query,
    maxPageSize: preferences.maxPageSize,
    current: () =>
      [...mailbox.contacts.values()]
        .filter((item) => item.folderId === folder)
        .map((item) => ({
          key: item.internalId,
          changeKey: item.changeKey,
          folderId: item.folderId,
          render: () => contactResource(item, immutable),
        })),
    removed: (key, seen) => removedEntry('contact', key, seen.folderId, immutable),
    link: (token) => `${call.base}/${linkPath}/delta?${token}`,
  });
  return answer(call, { '@odata.context': context(call, 'contacts/delta'), ...body }, size);
}
