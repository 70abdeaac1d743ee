import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileQuery, type Item, QueryError } from '../../simulators/routeros/query';

const items: Item[] = [
  { '.id': '*1', name: 'ether1', type: 'ether', mtu: '1500', comment: 'uplink' },
  { '.id': '*2', name: 'ether2', type: 'ether', mtu: '9000' },
  { '.id': '*3', name: 'vlan10', type: 'vlan', mtu: '1500', comment: '' },
  { '.id': '*4', name: '<pppoe-alice>', type: 'pppoe-in', mtu: '1480' },
];
const names = (...words: string[]) => items.filter(compileQuery(words)).map((i) => i.name);

test('equality, presence and absence (?name=v, ?=name=v, ?name, ?-name)', () => {
  assert.deepEqual(names(), ['ether1', 'ether2', 'vlan10', '<pppoe-alice>']);
  assert.deepEqual(names('?type=ether'), ['ether1', 'ether2']);
  assert.deepEqual(names('?=name=<pppoe-alice>'), ['<pppoe-alice>']);
  assert.deepEqual(names('?comment'), ['ether1', 'vlan10']);
  assert.deepEqual(names('?-comment'), ['ether2', '<pppoe-alice>']);
  assert.deepEqual(names('?comment='), ['vlan10']);
});

test('comparisons are numeric for numbers, and ?>comment= finds non-empty comments as in the manual', () => {
  assert.deepEqual(names('?<mtu=1500'), ['<pppoe-alice>']);
  assert.deepEqual(names('?>mtu=1500'), ['ether2']);
  assert.deepEqual(names('?>comment='), ['ether1']);
});

test('consecutive words are ANDed; ?#| ?#& ?#! ?#. combine the stack', () => {
  assert.deepEqual(names('?type=ether', '?mtu=1500'), ['ether1']);
  assert.deepEqual(names('?type=ether', '?type=vlan', '?#|'), ['ether1', 'ether2', 'vlan10']);
  assert.deepEqual(names('?type=ether', '?type=vlan', '?#|!'), ['<pppoe-alice>']);
  assert.deepEqual(names('?type=ether', '?mtu=1500', '?#&!'), ['ether2', 'vlan10', '<pppoe-alice>']);
  assert.deepEqual(names('?type=vlan', '?#.|'), ['vlan10']);
});

test('stack indexes: followed by more operations they push a copy, at the end they replace the stack', () => {
  // Stack [type=ether, mtu=1500]: "1" alone leaves only type=ether.
  assert.deepEqual(names('?type=ether', '?mtu=1500', '?#1'), ['ether1', 'ether2']);
  // "0." pushes a copy of the top; "." right after an index adds nothing more.
  assert.deepEqual(names('?mtu=9000', '?#0.|'), ['ether2']);
  // Popping past the pushed values reads the endless trues underneath.
  assert.deepEqual(names('?type=vlan', '?#&&'), ['vlan10']);
});

test('unknown operations are refused', () => {
  assert.throws(() => compileQuery(['?#x']), QueryError);
  assert.throws(() => compileQuery(['?<mtu']), QueryError);
});
