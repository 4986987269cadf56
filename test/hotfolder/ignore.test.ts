import { describe, expect, it } from 'vitest';
import { isIgnoredPath } from '../../src/main/hotfolder/index.js';

describe('isIgnoredPath', () => {
  it.each([
    'photo.png',
    'photo.PNG',
    'scan.jpg',
    'scan.JPEG',
    'pose.webp',
    'sub/deeper/canny.png',
    'sub\\windows\\canny.png',
    'my.file.v2.png',
    'done/photo.png', // only the app's own _done folder is skipped
  ])('accepts %s', (relPath) => {
    expect(isIgnoredPath(relPath)).toBe(false);
  });

  it.each([
    '.DS_Store',
    'Thumbs.db',
    'desktop.ini',
    '~$report.png',
    '.hidden.png',
    '.photo.png.Xa12bC', // atomic-save temp
    'photo.png.tmp123',
    'photo.png.tmp',
    'photo.psb.tmp',
    '~ps1234.tmp',
    'photo.png.part',
    'photo.png.crdownload',
    'photo.png.download',
    'scene.blend1',
    'photo.png~',
    '.photo.png.swp',
    '.~lock.photo.png#',
    '_done/photo.png',
    'sub/_failed/photo.png',
    'sub/_done/deeper/photo.png',
    '.git/photo.png',
    'notes.txt',
    'photo.gif',
    'noextension',
    'png',
  ])('ignores %s', (relPath) => {
    expect(isIgnoredPath(relPath)).toBe(true);
  });

  it('takes the accepted extensions from the options, with or without dots, in any case', () => {
    expect(isIgnoredPath('a.tiff', { extensions: ['.TIFF', 'png'] })).toBe(false);
    expect(isIgnoredPath('a.jpg', { extensions: ['.TIFF', 'png'] })).toBe(true);
    // Temporary names stay ignored even when their extension is accepted.
    expect(isIgnoredPath('a.png.part', { extensions: ['part'] })).toBe(true);
    expect(isIgnoredPath('a.png.tmp', { extensions: ['tmp'] })).toBe(true);
  });
});
